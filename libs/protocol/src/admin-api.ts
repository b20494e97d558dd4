/**
 * What the admin REST API answers, as JSON (times are ISO 8601 strings): declared once, used by
 * the server's services to build their replies and by the dashboard to read them.
 */
import type { LiveMetricsData } from './frontend-ws';
import type { LightdContainerStatus, LightdRemoteSettings } from './lightd';

// ------------------------------------------------------------------ lists

/**
 * A whole list: `GET /api/v1/users`, `/api/v1/lightd/daemons`, `/api/v1/releases`,
 * `/api/v1/releases/targets`, `/api/v1/servers/:id/agent-keys`, `/api/v1/servers/:id/events`.
 */
export interface List<T> {
  items: T[];
}

/**
 * One page of a list paged by offset: `GET /api/v1/servers`, `/api/v1/nodes`, `/api/v1/alerts`,
 * `/api/v1/servers/:id/commands`, `/api/v1/lightd/containers`,
 * `/api/v1/lightd/daemons/:id/containers`. (Lists paged by cursor answer `AuditPage` and
 * `ContainerHistoryPage`.)
 */
export interface Page<T> extends List<T> {
  /** How many items match, on every page. */
  total: number;
  limit: number;
  offset: number;
}

// ------------------------------------------------------------------ servers

export type ServerStatus = 'unknown' | 'online' | 'offline';
/** What reports for a server: an agent, an Ithiltir node, or a Lightd daemon (its containers' usage). */
export type ServerSource = 'agent' | 'ithiltir' | 'lightd';

export interface ServerView {
  id: string;
  name: string;
  source: ServerSource;
  group: string | null;
  tags: string[];
  status: ServerStatus;
  statusChangedAt: string | null;
  lastSeenAt: string | null;
  hostname: string | null;
  agentVersion: string | null;
  commandsEnabled: boolean;
  createdAt: string;
  /**
   * How often its source reports, in seconds: an agent every 5 s (its protocol), an Ithiltir
   * node as its Static says (3 s until it has sent one). A chart leaves a gap where reports
   * are missing, not between every two points.
   */
  reportIntervalSeconds: number;
}

/** The orders `GET /api/v1/servers?sort=` takes. */
export const SERVER_SORTS = ['trouble', 'name', 'status', 'lastSeenAt', 'createdAt'] as const;
/**
 * `trouble`: offline servers first, then those with alerts firing (most critical first), then
 * those never seen, then the rest, each by name. `status`: offline, never seen, online.
 */
export type ServerSort = (typeof SERVER_SORTS)[number];

/** A server in `GET /api/v1/servers`: its alerts firing now, by severity, beside it. */
export interface ServerListItem extends ServerView {
  alerts: { critical: number; warning: number };
}

/** `GET /api/v1/servers`: a page of the servers matching, and how many of them are in each status. */
export interface ServerPage extends Page<ServerListItem> {
  byStatus: Record<ServerStatus, number>;
}

/** `GET /api/v1/servers/facets`: the groups and tags in use, for filters. */
export interface ServerFacets {
  groups: string[];
  tags: string[];
}

// ------------------------------------------------------------------ metrics

export type HistoryResolution = 'raw' | '1m' | '1h';

/** A server's series over a range, averaged into equal steps (`MetricsService.history`). */
export interface MetricHistory {
  serverId: string;
  resolution: HistoryResolution;
  stepSeconds: number;
  from: string;
  to: string;
  /** Columnar, as chart libraries take it: one timestamp (ms) per point… */
  timestamps: number[];
  /** …and per series one value (or null) per point. */
  series: Record<string, (number | null)[]>;
  /**
   * For the series asked for that keep one (CPU and memory), the lowest and highest value
   * within each point's step: a band around the average, which hides short spikes.
   */
  bands: Record<string, { min: (number | null)[]; max: (number | null)[] }>;
  /** Per-entity series asked for: series name → entity name → one value (or null) per point. */
  entities: Record<string, Record<string, (number | null)[]>>;
}

/** `GET /api/v1/servers/:id/metrics` and `GET /api/v1/nodes/:id/metrics`: the history, and every series name the route takes. */
export interface MetricHistoryReply extends MetricHistory {
  available: string[];
}

/** The series a fleet row draws, and their latest values. */
export const SPARKLINE_SERIES = ['cpu_percent', 'memory_percent', 'disk_percent', 'net_rx_bytes_per_sec', 'net_tx_bytes_per_sec'] as const;
export type SparklineSeriesName = (typeof SPARKLINE_SERIES)[number];

export interface ServerSparklines {
  series: Record<SparklineSeriesName, (number | null)[]>;
  /** The newest sample in the window, or null when the server sent none. */
  latest: ({ at: string } & Record<SparklineSeriesName, number | null>) | null;
}

/** `GET /api/v1/metrics/sparklines`: the last minutes of many servers, by server id (lower case). */
export interface FleetSparklines {
  stepSeconds: number;
  /** One timestamp (ms, bucket start) per point, shared by every server. */
  timestamps: number[];
  servers: Record<string, ServerSparklines>;
}

// ------------------------------------------------------------------ commands

export type CommandKind = 'shell' | 'docker';
export type CommandState = 'pending' | 'sent' | 'completed' | 'failed' | 'timed_out';

export interface CommandView {
  id: string;
  serverId: string;
  kind: CommandKind;
  /** Shell commands: the command line. */
  command: string | null;
  /** Docker actions: the action and its container. */
  action: string | null;
  containerId: string | null;
  state: CommandState;
  requestedById: string | null;
  requestedAt: string;
  expiresAt: string;
  sentAt: string | null;
  completedAt: string | null;
  output: string | null;
  exitCode: number | null;
  durationMs: number | null;
  success: boolean | null;
  message: string | null;
}

// ------------------------------------------------------------------ audit log

export interface AuditEntryView {
  id: string;
  at: string;
  /** `apiToken`: the personal API token the action came with, if it came with one. */
  actor: { id: string | null; username: string | null; apiToken?: { id: string; name: string | null } };
  action: string;
  target: { type: string; id: string | null } | null;
  data: unknown;
  ip: string | null;
}

export interface AuditPage {
  items: AuditEntryView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: string | null;
}

// ------------------------------------------------------------------ Ithiltir nodes

/** The static facts fleet views show and filter by (the whole Static is in the detail). */
export interface NodeFactsView {
  nodeVersion: string;
  reportIntervalSeconds: number;
  os: string;
  platform: string;
  platformVersion: string;
  kernelVersion: string;
  arch: string;
  hostname: string;
  cpuModel: string;
  coresLogical: number;
  memoryTotal: number;
  swapTotal: number;
  reportedAt: string;
}

/** A node in lists: the server, its facts, and the latest values it reported. */
export interface NodeView extends ServerView {
  online: boolean;
  facts: NodeFactsView | null;
  latest: LiveMetricsData | null;
  latestReportedAt: string | null;
}

export interface NodeDetail {
  node: NodeView;
  /** The latest Static, as the node sent it. */
  static: { reportedAt: string; receivedAt: string; payload: unknown } | null;
  /** The latest full report, as the node sent it. */
  snapshot: { reportedAt: string; receivedAt: string; payload: unknown } | null;
  secret: { prefix: string; createdAt: string; lastUsedAt: string | null } | null;
}

/** A node secret, shown once, with the command that installs it on the node. */
export interface IssuedNodeSecret {
  secret: string;
  prefix: string;
  /** `ithiltir-node report install <url> <secret>`, for a node already installed. */
  installCommand: string;
  /** The one-liners that install the node and register it (`/deploy/<platform>/install.*`, with the secret). */
  installScripts: { linux: string; macos: string; windows: string };
}

/** `POST /api/v1/nodes`: the new node, and its secret shown once. */
export interface IssuedNode extends IssuedNodeSecret {
  node: NodeView;
}

// ------------------------------------------------------------------ sign-in

/**
 * `POST /api/v1/auth/login` and `POST /api/v1/auth/refresh`: an access token for
 * `Authorization: Bearer`, and the refresh token that gets the next one — in the body, or,
 * when the login asked for `refreshCookie`, only as an httpOnly cookie for the refresh route.
 */
export interface SessionTokens {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token lasts. */
  expiresIn: number;
  refreshToken?: string;
  refreshExpiresIn: number;
  user: UserView;
}

// ------------------------------------------------------------------ users

export type UserRole = 'admin' | 'viewer';

export interface UserView {
  id: string;
  username: string;
  role: UserRole;
  createdAt: string;
  disabled: boolean;
}

/** `PATCH /api/v1/users/:id`: what an admin may change of an account (at least one). */
export interface UserChanges {
  role?: UserRole;
  /** A disabled user cannot sign in; their sessions end at once. */
  disabled?: boolean;
}

/** `POST /api/v1/users/:id/password`: the new password, or none to have Pharos generate one. */
export interface PasswordResetRequest {
  password?: string;
}

/** The account after a password reset; `password` only when Pharos generated it (shown once). */
export interface PasswordReset {
  user: UserView;
  password?: string;
}

// ------------------------------------------------------------------ agent keys

/** An agent API key as lists show it (the key itself only once, in `IssuedAgentKey`). */
export interface AgentKeyView {
  id: string;
  serverId: string;
  prefix: string;
  createdAt: string;
  createdById: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A new agent API key: `apiKey` is shown this once. */
export interface IssuedAgentKey extends AgentKeyView {
  apiKey: string;
}

// ------------------------------------------------------------------ Lightd daemons and containers

export type DaemonStatus = 'unknown' | 'online' | 'offline';
export type ContainerStatus = LightdContainerStatus;

export interface ContainerCounts {
  total: number;
  installing: number;
  ready: number;
  failed: number;
  /** Seen only through events that carry no status (e.g. billing). */
  unknown: number;
}

export interface DaemonView {
  id: string;
  name: string;
  /** The fleet server that stands for the daemon: its containers' usage history (`/api/v1/servers/{id}/metrics`). */
  serverId: string;
  apiUrl: string;
  /** Whether Pharos has a token to open this daemon's consoles (never shown). */
  hasApiToken: boolean;
  /** The daemon's remote token as lists show it (first characters), or null when revoked. */
  remoteToken: { prefix: string; issuedAt: string | null } | null;
  status: DaemonStatus;
  statusChangedAt: string | null;
  lastSeenAt: string | null;
  lastHealthAt: string | null;
  lastUpdateAt: string | null;
  createdAt: string;
  updatedAt: string;
  containers: ContainerCounts;
  /** Its running containers' latest gauges summed at this instant (never over time). */
  usage: DaemonUsageView;
}

/**
 * A container's latest billing gauge as Lightd sent it: means over the last hour, replaced by
 * every new one (about one a second), never added up.
 */
export interface ContainerUsageView {
  memoryGb: number | null;
  cpuVcpus: number | null;
  /** Lightd's `storage_gb`: the mean of cumulative block I/O, not disk space. */
  storageGb: number | null;
  /** Bytes sent since the container started, in GiB. */
  egressGb: number | null;
  /** What the last hour cost at the daemon's configured rates. */
  estimatedCost: number | null;
  /** The daemon's timestamp of the gauge. */
  at: string | null;
  receivedAt: string;
  /** Its gauge is recent (`LIGHTD_USAGE_RECENT_SECONDS`): it counts as running. */
  running: boolean;
}

/** A daemon's running containers' latest gauges, summed at one instant. */
export interface DaemonUsageView {
  /** Containers whose gauge is recent. */
  containers: number;
  memoryGb: number;
  cpuVcpus: number;
  storageGb: number;
  egressGb: number;
  estimatedCost: number;
  /** The newest of those gauges, on the daemon's clock. */
  at: string | null;
}

export interface DaemonDetailView extends DaemonView {
  /** The configuration the daemon last posted to `/config`, credentials redacted. */
  remoteConfig: unknown;
  remoteConfigAt: string | null;
}

/** A remote token, shown this once, and the `config.json` section that uses it. */
export interface IssuedRemoteToken {
  daemon: DaemonView;
  remoteToken: string;
  lightdConfig: { remote: LightdRemoteSettings };
}

export interface ContainerView {
  id: string;
  /** The container's id on its daemon (Lightd's `server`). */
  internalId: string;
  /** `serverId`: the daemon's fleet server, which holds the container's usage history (entity = `internalId`). */
  daemon: { id: string; name: string; status: DaemonStatus; serverId: string };
  status: ContainerStatus | null;
  statusChangedAt: string | null;
  lastError: string | null;
  lastErrorData: string | null;
  lastErrorAt: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Null until the daemon sent a billing event for it. */
  usage: ContainerUsageView | null;
}

/** One update as Lightd sent it, or (`status_check`) what its API answered Pharos. */
export interface ContainerUpdateView {
  id: string;
  receivedAt: string;
  event: string;
  status: ContainerStatus | null;
  error: string | null;
  data: string | null;
  body: unknown;
}

export interface ContainerHistoryPage {
  items: ContainerUpdateView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: string | null;
}

// ------------------------------------------------------------------ node releases

export interface ReleaseView {
  id: string;
  version: string;
  os: string;
  arch: string;
  fileName: string;
  sha256: string;
  size: number;
  /** Where nodes download it (with their X-Node-Secret). */
  url: string;
  createdAt: string;
}

export interface ReleaseTargetView {
  id: string;
  version: string;
  /** A request for `servers` is kept as one `server` target per server. */
  scope: 'all' | 'group' | 'server';
  group: string | null;
  serverId: string | null;
  createdAt: string;
}

export type NodeRolloutState = 'updated' | 'offered' | 'pending' | 'ineligible';

export interface RolloutProgress {
  version: string;
  builds: { releaseId: string; os: string; arch: string }[];
  /** Nodes whose deciding target names this version, by state. */
  counts: Record<NodeRolloutState, number> & { targeted: number };
  nodes: {
    serverId: string;
    name: string;
    group: string | null;
    status: ServerStatus;
    version: string | null;
    state: NodeRolloutState;
    reason?: string;
    firstOfferedAt?: string;
    timesOffered?: number;
    adoptedAt?: string | null;
    /**
     * A node before 0.2.3 downloads without its secret: the URL it was offered carries an
     * upgrade token (one path, short-lived). The latest one issued to it for this version.
     */
    upgradeToken?: { issuedAt: string; expiresAt: string; usedAt: string | null };
  }[];
}
