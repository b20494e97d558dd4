/**
 * Ithiltir-node → Dash (docs/protocols/ithiltir-node.md). In push mode the node
 * POSTs to `/api/node/identity`, `/api/node/metrics` and `/api/node/static` with its key in
 * `X-Node-Secret`; Pharos is the Dash. The shapes below are the node's Go types: a field without
 * `Optional` is always on the wire (Go omits only `omitempty` fields), arrays are `[]`, never
 * null, counters are plain JSON numbers (uint64, may exceed 2^53), ratios are 0..1.
 * Objects accept extra fields: newer nodes add some, and Pharos keeps them.
 */
import { type Static as StaticOf, type TSchema, Type } from '@sinclair/typebox';
import { INT32_MAX, INT32_MIN, NODE_KEY_MAX_LENGTH, NODE_TEXT_MAX_LENGTH } from './limits';
import { compileValidator, type Validated, type WireError } from './validation';

export const NODE_IDENTITY_PATH = '/api/node/identity';
export const NODE_METRICS_PATH = '/api/node/metrics';
export const NODE_STATIC_PATH = '/api/node/static';
/** Release binaries are served under `/deploy/<os>/<file>`, to nodes only. */
export const NODE_DEPLOY_PATH = '/deploy';
/** The node's key, on every request it makes (reports and downloads); never in a URL. */
export const NODE_SECRET_HEADER = 'x-node-secret';

/** Operating systems a node release is built for. */
export const NODE_RELEASE_OS = ['linux', 'windows', 'darwin'] as const;
export type NodeReleaseOs = (typeof NODE_RELEASE_OS)[number];

/** The node's report interval unless its Static says otherwise. */
export const NODE_DEFAULT_REPORT_INTERVAL_SECONDS = 3;

/** The oldest node version that can take an update manifest (older ones are updated by hand). */
export const NODE_AUTO_UPDATE_MIN_VERSION = '0.2.1';

/**
 * The first node version that sends `X-Node-Secret` when it downloads an update (§5). Older
 * ones (0.2.1, 0.2.2) are offered a URL carrying `?upgrade_token=` instead.
 */
export const NODE_DOWNLOAD_SECRET_MIN_VERSION = '0.2.3';

/** The query parameter of a download URL that carries an upgrade token (as the reference Dash names it). */
export const NODE_UPGRADE_TOKEN_PARAM = 'upgrade_token';

/** Go's `time.Time` as JSON: RFC 3339, optional fractional seconds (up to nanoseconds). */
const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$';

const Time = Type.String({ pattern: RFC3339 });
/** Go `uint`/`uint64`: a whole number ≥ 0. */
const Uint = Type.Integer({ minimum: 0 });
const Int = Type.Integer();
/** A count stored in an `integer` column (processes, connections). */
const Int32 = Type.Integer({ minimum: INT32_MIN, maximum: INT32_MAX });
const Float = Type.Number();
const Text = Type.String({ maxLength: NODE_TEXT_MAX_LENGTH });
const Bool = Type.Boolean();
/** A name, kind or path that identifies an entry: the reference Dash refuses empty ones. */
const Key = Type.String({ minLength: 1, maxLength: NODE_KEY_MAX_LENGTH });
const Opt = <T extends TSchema>(schema: T) => Type.Optional(schema);

// ---------------------------------------------------------------- runtime report

export const NodeCpu = Type.Object({
  usage_ratio: Float,
  load1: Float,
  load5: Float,
  load15: Float,
  times: Type.Object({ user: Float, system: Float, idle: Float, iowait: Float, steal: Float }),
});

export const NodeMemory = Type.Object({
  used: Uint,
  available: Uint,
  buffers: Uint,
  cached: Uint,
  used_ratio: Float,
  swap_used: Uint,
  swap_free: Uint,
  swap_used_ratio: Float,
});

/** One block device. */
export const DiskPhysical = Type.Object({
  name: Key,
  device_path: Opt(Text),
  ref: Opt(Text),
  read_bytes: Uint,
  write_bytes: Uint,
  read_rate_bytes_per_sec: Float,
  write_rate_bytes_per_sec: Float,
  iops: Float,
  read_iops: Float,
  write_iops: Float,
  util_ratio: Float,
  queue_length: Float,
  wait_ms: Float,
  service_ms: Float,
});
export type DiskPhysical = StaticOf<typeof DiskPhysical>;

/** kind: disk | raid | raid_md | lvm_vg | lvm_thinpool | lvm_lv | zfs_pool (newer nodes may add more). */
export const DiskLogical = Type.Object({
  kind: Key,
  name: Key,
  device_path: Opt(Text),
  ref: Opt(Text),
  used: Uint,
  free: Uint,
  used_ratio: Float,
  health: Opt(Text),
});

export const DiskFilesystem = Type.Object({
  path: Key,
  device: Opt(Text),
  mountpoint: Opt(Text),
  used: Uint,
  free: Uint,
  used_ratio: Float,
  inodes_used: Uint,
  inodes_free: Uint,
  inodes_used_ratio: Float,
});
export type DiskFilesystem = StaticOf<typeof DiskFilesystem>;

export const DiskBaseIO = Type.Object({
  kind: Key,
  name: Key,
  device_path: Opt(Text),
  ref: Opt(Text),
  read_bytes: Opt(Uint),
  write_bytes: Opt(Uint),
  read_rate_bytes_per_sec: Float,
  write_rate_bytes_per_sec: Float,
  read_iops: Float,
  write_iops: Float,
  iops: Float,
  util_ratio: Opt(Float),
  queue_length: Opt(Float),
  wait_ms: Opt(Float),
  service_ms: Opt(Float),
});

/**
 * `status` is the collection state (ok partial unsupported not_found no_permission timeout error
 * no_cache stale no_tool standby); `health` is the disk's own verdict.
 */
export const SmartDevice = Type.Object({
  name: Text,
  source: Text,
  status: Text,
  ref: Opt(Text),
  device_path: Opt(Text),
  device_type: Opt(Text),
  protocol: Opt(Text),
  model: Opt(Text),
  serial: Opt(Text),
  wwn: Opt(Text),
  exit_status: Opt(Int),
  health: Opt(Text),
  temp_c: Opt(Float),
  power_on_hours: Opt(Float),
  lifetime_used_percent: Opt(Float),
  /** NVMe critical warning, the raw bitset. */
  critical_warning: Opt(Uint),
  failing_attrs: Opt(Type.Array(Type.Object({ id: Opt(Int), name: Text, when_failed: Text }))),
});
export type SmartDevice = StaticOf<typeof SmartDevice>;

export const DiskSmart = Type.Object({
  status: Text,
  updated_at: Opt(Time),
  ttl_seconds: Opt(Float),
  devices: Type.Array(SmartDevice),
});

export const NodeDisk = Type.Object({
  physical: Type.Array(DiskPhysical),
  logical: Type.Array(DiskLogical),
  filesystems: Type.Array(DiskFilesystem),
  base_io: Type.Array(DiskBaseIO),
  smart: DiskSmart,
});

export const NetIO = Type.Object({
  name: Key,
  bytes_recv: Uint,
  bytes_sent: Uint,
  recv_rate_bytes_per_sec: Float,
  sent_rate_bytes_per_sec: Float,
  packets_recv: Uint,
  packets_sent: Uint,
  recv_rate_packets_per_sec: Float,
  sent_rate_packets_per_sec: Float,
  err_in: Uint,
  err_out: Uint,
  drop_in: Uint,
  drop_out: Uint,
});
export type NetIO = StaticOf<typeof NetIO>;

export const PsiStats = Type.Object({ avg10: Float, avg60: Float, avg300: Float, total: Uint });
export const Psi = Type.Object({ status: Text, some: Opt(PsiStats), full: Opt(PsiStats) });

/** Member state: up | down | unknown. */
export const RaidArray = Type.Object({
  name: Key,
  status: Text,
  active: Int,
  working: Int,
  failed: Int,
  health: Text,
  members: Type.Array(Type.Object({ name: Text, state: Text })),
  sync_status: Opt(Text),
  // The contract leaves its type open (a ratio, or mdstat's text).
  sync_progress: Opt(Type.Union([Float, Text])),
});

/** kind: cpu | gpu | chipset | board | acpi | unknown. */
export const ThermalSensor = Type.Object({
  kind: Text,
  name: Text,
  sensor_key: Text,
  source: Text,
  status: Text,
  temp_c: Opt(Float),
  high_c: Opt(Float),
  critical_c: Opt(Float),
});
export type ThermalSensor = StaticOf<typeof ThermalSensor>;

export const NodeMetricsSnapshot = Type.Object({
  cpu: NodeCpu,
  memory: NodeMemory,
  disk: NodeDisk,
  network: Type.Array(NetIO),
  system: Type.Object({ alive: Bool, uptime_seconds: Uint, uptime: Text }),
  processes: Type.Object({ process_count: Int32 }),
  connections: Type.Object({ tcp_count: Int32, udp_count: Int32 }),
  pressure: Type.Object({ cpu: Psi, memory: Psi, io: Psi }),
  raid: Type.Object({ supported: Bool, available: Bool, arrays: Type.Array(RaidArray) }),
  thermal: Type.Object({ status: Text, updated_at: Opt(Time), sensors: Type.Array(ThermalSensor) }),
});

/** The body of `POST /api/node/metrics`, every report round (3 s by default). */
export const NodeReport = Type.Object({
  version: Text,
  hostname: Text,
  timestamp: Time,
  metrics: NodeMetricsSnapshot,
});
export type NodeReport = StaticOf<typeof NodeReport>;

// ---------------------------------------------------------------- static facts

/** The body of `POST /api/node/static`: after start-up, on change, after a failed push recovers. */
export const NodeStaticReport = Type.Object({
  version: Text,
  timestamp: Time,
  report_interval_seconds: Type.Integer({ minimum: 1 }),
  cpu: Type.Object({
    info: Type.Object({
      model_name: Text,
      vendor_id: Text,
      sockets: Int,
      cores_physical: Int,
      cores_logical: Int,
      frequency_mhz: Float,
    }),
  }),
  memory: Type.Object({ total: Uint, swap_total: Uint }),
  // Not the runtime disk shape: the two are never merged.
  disk: Type.Object({
    physical: Type.Array(Type.Object({ name: Key, device_path: Opt(Text), ref: Opt(Text) })),
    logical: Type.Array(
      Type.Object({
        kind: Key,
        name: Key,
        device_path: Opt(Text),
        ref: Opt(Text),
        total: Opt(Uint),
        mountpoint: Opt(Text),
        fs_type: Opt(Text),
        devices: Opt(Type.Array(Text)),
      }),
    ),
    filesystems: Type.Array(
      Type.Object({ path: Key, device: Opt(Text), mountpoint: Opt(Text), total: Uint, fs_type: Text, inodes_total: Uint }),
    ),
    base_io: Type.Array(Type.Object({ kind: Key, name: Key, device_path: Opt(Text), ref: Opt(Text), role: Opt(Text) })),
  }),
  system: Type.Object({ hostname: Text, os: Text, platform: Text, platform_version: Text, kernel_version: Text, arch: Text }),
  raid: Type.Object({
    supported: Bool,
    available: Bool,
    arrays: Type.Array(Type.Object({ name: Key, level: Text, devices: Int, members: Opt(Type.Array(Type.Object({ name: Text }))) })),
  }),
});
export type NodeStaticReport = StaticOf<typeof NodeStaticReport>;

// ---------------------------------------------------------------- replies

/** `POST /api/node/identity` → the Dash installation's stable id; `created` on the call that made it. */
export const NodeIdentityReply = Type.Object({ install_id: Type.String(), created: Type.Boolean() });
export type NodeIdentityReply = StaticOf<typeof NodeIdentityReply>;

/** A release offered to the node in a metrics reply. */
export const UpdateManifest = Type.Object({
  id: Opt(Text),
  version: Text,
  url: Text,
  sha256: Text,
  size: Type.Integer(),
});
export type UpdateManifest = StaticOf<typeof UpdateManifest>;

/** `POST /api/node/metrics` → 200, `application/json`. Only `update` matters to the node. */
export const NodeMetricsReply = Type.Object({ ok: Type.Literal(true), update: Type.Union([UpdateManifest, Type.Null()]) });
export type NodeMetricsReply = StaticOf<typeof NodeMetricsReply>;

// ---------------------------------------------------------------- validation

const reportValidator = compileValidator(NodeReport);
const staticValidator = compileValidator(NodeStaticReport);

/**
 * The report as the reference Dash accepts it: the schema (types; required arrays; entries
 * with name, kind or path), and no two disks of one list under the same name.
 */
export function validateNodeReport(value: unknown): Validated<NodeReport> {
  const result = reportValidator.validate(value);
  if (!result.ok) return result;
  return withDiskNamesUnique(result.value, 'metrics.disk', result.value.metrics.disk);
}

/** `Static` by the same rules as the report. */
export function validateNodeStatic(value: unknown): Validated<NodeStaticReport> {
  const result = staticValidator.validate(value);
  if (!result.ok) return result;
  return withDiskNamesUnique(result.value, 'disk', result.value.disk);
}

interface DiskLists {
  physical: { name: string }[];
  logical: { kind: string; name: string }[];
  base_io: { kind: string; name: string }[];
}

function withDiskNamesUnique<T>(value: T, base: string, disk: DiskLists): Validated<T> {
  // Logical and base-IO entries are told apart by kind and name (an LVM VG and a ZFS pool may share one).
  const lists: [string, { name: string; kind?: string }[]][] = [
    ['physical', disk.physical],
    ['logical', disk.logical],
    ['base_io', disk.base_io],
  ];
  for (const [list, entries] of lists) {
    const seen = new Set<string>();
    for (const [i, entry] of entries.entries()) {
      const key = entry.kind === undefined ? entry.name : `${entry.kind}\u0000${entry.name}`;
      if (seen.has(key)) {
        const error: WireError = { path: `${base}.${list}[${i}].name`, message: `duplicate disk name "${entry.name}"` };
        return { ok: false, error, errors: [error] };
      }
      seen.add(key);
    }
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------- versions and manifests

/** Semantic version parts of a node version (`0.2.1`, `v0.3.0-rc.1+build`), or null. */
function parseVersion(version: string): { core: number[]; pre: string[] } | null {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version.trim());
  if (!match) return null;
  return { core: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4] ? match[4].split('.') : [] };
}

/** Orders two node versions as semver does (-1, 0, 1); null when either is not a version. */
export function compareNodeVersions(a: string, b: string): -1 | 0 | 1 | null {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return null;
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i] < y.core[i] ? -1 : 1;
  // A pre-release sorts before its release.
  if (x.pre.length === 0 || y.pre.length === 0) return x.pre.length === y.pre.length ? 0 : x.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i];
    const q = y.pre[i];
    if (p === undefined || q === undefined) return p === undefined ? -1 : 1;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) < Number(q) ? -1 : 1;
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

/** Whether a node reporting this version takes update manifests (0.2.1 or later). */
export function nodeTakesUpdates(version: string): boolean {
  const order = compareNodeVersions(version, NODE_AUTO_UPDATE_MIN_VERSION);
  return order !== null && order >= 0;
}

/** Whether a node reporting this version sends its secret when it downloads an update (0.2.3 or later). */
export function nodeSendsSecretOnDownload(version: string): boolean {
  const order = compareNodeVersions(version, NODE_DOWNLOAD_SECRET_MIN_VERSION);
  return order !== null && order >= 0;
}

export type ManifestCheck = { ok: true; manifest: UpdateManifest } | { ok: false; reason: string };

/**
 * The checks the node makes before it downloads a manifest: a version that is one path
 * segment, an absolute http(s) URL with a host, a SHA-256 hex digest, a positive size, and a
 * version other than the one it runs. (After the download it also compares size and digest.)
 */
export function checkUpdateManifest(manifest: unknown, currentVersion?: string): ManifestCheck {
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return { ok: false, reason: 'not an object' };
  const m = manifest as Record<string, unknown>;
  if (m.id !== undefined && typeof m.id !== 'string') return { ok: false, reason: 'id is not a string' };
  const { version, url, sha256, size } = m;
  if (typeof version !== 'string' || version === '' || version === '.' || version === '..' || /[/\\]/.test(version)) {
    return { ok: false, reason: 'version must be one non-empty path segment' };
  }
  if (typeof url !== 'string' || !isAbsoluteHttpUrl(url)) return { ok: false, reason: 'url must be an absolute http(s) URL with a host' };
  if (typeof sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha256)) return { ok: false, reason: 'sha256 must be 64 hex digits' };
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0) return { ok: false, reason: 'size must be a positive integer' };
  if (currentVersion !== undefined && version === currentVersion) return { ok: false, reason: 'same version as the node runs' };
  return { ok: true, manifest: { ...(m.id === undefined ? {} : { id: m.id as string }), version, url, sha256, size } };
}

/** As Go's `url.Parse` sees it: WHATWG URLs would read `http:///x` as host `x`, Go as no host. */
function isAbsoluteHttpUrl(value: string): boolean {
  const authority = /^https?:\/\/([^/?#]*)/i.exec(value)?.[1];
  if (!authority || authority.replace(/^.*@/, '').replace(/:\d*$/, '') === '') return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The node's decision over one round, given the `update` of each target's reply: manifests
 * for the version it runs are dropped first; the rest must agree exactly on id, version, url,
 * sha256 and size, and pass `checkUpdateManifest`; otherwise nothing is taken.
 */
export function selectUpdateManifest(updates: unknown[], currentVersion: string): ManifestCheck | null {
  const offered = updates.filter(
    (u) => u !== null && u !== undefined && !(typeof u === 'object' && (u as { version?: unknown }).version === currentVersion),
  );
  if (offered.length === 0) return null;
  const fields = (u: unknown) => {
    const m = (u ?? {}) as Record<string, unknown>;
    return JSON.stringify([m.id, m.version, m.url, m.sha256, m.size]);
  };
  if (offered.some((u) => fields(u) !== fields(offered[0]))) return { ok: false, reason: 'targets offered different manifests' };
  return checkUpdateManifest(offered[0], currentVersion);
}

/** The sibling endpoint the node derives from its target URL (whose path must end in `/metrics`). */
export function nodeEndpointUrl(targetUrl: string, endpoint: 'metrics' | 'static' | 'identity'): string {
  const url = new URL(targetUrl);
  if (!url.pathname.endsWith('/metrics')) throw new Error(`target URL must end with /metrics: ${targetUrl}`);
  url.pathname = `${url.pathname.slice(0, -'metrics'.length)}${endpoint}`;
  return url.toString();
}
