import { AGENT_ENTITY_NAME_MAX_LENGTH, type AgentMetricsMessage, type LiveDiskUsage, type LiveMetricsData, type LiveNetworkInterface } from '@pharos/protocol';
import type { EntitySeries } from '../../../fleet/metrics/metrics.service';

/**
 * Turns an agent's `metrics` message into the sample every source shares. The seed leaves the
 * elements of `disk_usage` and `network` unspecified, so the field names agents commonly use
 * (psutil's among them) are recognised and anything else is ignored; an interface that reports
 * only byte counters gets rates from the previous sample of the same connection.
 */

/** Per interface, the counters of the previous sample (kept per agent connection). */
export type NetworkCounterMemory = Map<string, { at: number; rx?: number; tx?: number }>;

export type AgentSampleResult = { ok: true; sample: LiveMetricsData; series: EntitySeries } | { ok: false; reason: string };

const ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An agent's time: RFC 3339, with or without fraction digits beyond milliseconds; without a
 * zone it is UTC (Python's `utcnow().isoformat()`). Undefined when absent, null when unreadable.
 */
export function parseAgentTime(value: string | undefined): Date | undefined | null {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text)) return null;
  const at = new Date(ZONE.test(text) ? text : `${text}Z`);
  return Number.isNaN(at.getTime()) ? null : at;
}

export function toAgentSample(
  serverId: string,
  message: AgentMetricsMessage,
  receivedAt: Date,
  memory: NetworkCounterMemory,
): AgentSampleResult {
  const at = parseAgentTime(message.timestamp);
  if (at === null) return { ok: false, reason: 'timestamp: Expected an RFC 3339 time' };
  const timestamp = (at ?? receivedAt).toISOString();
  const disks = (message.disk_usage ?? [])
    .map((d, i) => (isRecord(d) ? toDisk(d, i) : null))
    .filter((d): d is LiveDiskUsage => d !== null);
  const network = (message.network ?? [])
    .map((n, i) => (isRecord(n) ? toInterface(n, i, Date.parse(timestamp), memory) : null))
    .filter((n): n is LiveNetworkInterface => n !== null);

  const sample: LiveMetricsData = {
    server_id: serverId,
    source: 'agent',
    timestamp,
    cpu_percent: message.cpu_percent,
    memory_percent: message.memory_percent,
    disk_usage: disks,
    network,
  };
  for (const key of ['swap_percent', 'load1', 'load5', 'load15', 'process_count', 'uptime_seconds'] as const) {
    if (message[key] !== undefined) sample[key] = message[key];
  }
  const diskPercent = overallDiskPercent(disks);
  if (diskPercent !== undefined) sample.disk_percent = diskPercent;
  const external = network.filter((n) => !isLoopback(n.interface));
  const rx = sumDefined(external.map((n) => n.rx_bytes_per_sec));
  const tx = sumDefined(external.map((n) => n.tx_bytes_per_sec));
  if (rx !== undefined) sample.net_rx_bytes_per_sec = rx;
  if (tx !== undefined) sample.net_tx_bytes_per_sec = tx;

  // Per mount and per interface, under the names the history serves them by (as a node's).
  const series: EntitySeries = {};
  if (disks.length) series.fs_used_percent = Object.fromEntries(disks.map((d) => [d.mountpoint, d.percent]));
  const rxSeries = external.filter((n) => n.rx_bytes_per_sec !== undefined);
  const txSeries = external.filter((n) => n.tx_bytes_per_sec !== undefined);
  if (rxSeries.length) series.iface_rx_bytes_per_sec = Object.fromEntries(rxSeries.map((n) => [n.interface, n.rx_bytes_per_sec!]));
  if (txSeries.length) series.iface_tx_bytes_per_sec = Object.fromEntries(txSeries.map((n) => [n.interface, n.tx_bytes_per_sec!]));
  return { ok: true, sample, series };
}

function toDisk(raw: Record<string, unknown>, index: number): LiveDiskUsage | null {
  const total = num(raw, 'total_bytes', 'total', 'size');
  const used = num(raw, 'used_bytes', 'used');
  let percent = num(raw, 'percent', 'used_percent', 'usage_percent', 'use_percent');
  if (percent === undefined && total !== undefined && used !== undefined && total > 0) percent = (used / total) * 100;
  if (percent === undefined) return null;
  const device = str(raw, 'device', 'name', 'filesystem');
  const mountpoint = str(raw, 'mountpoint', 'mount_point', 'mount', 'path') ?? device ?? `disk${index}`;
  // A name past the cap is skipped, as an element of unknown shape is (docs/protocols/limits.md).
  if (mountpoint.length > AGENT_ENTITY_NAME_MAX_LENGTH || (device?.length ?? 0) > AGENT_ENTITY_NAME_MAX_LENGTH) return null;
  return {
    mountpoint,
    ...(device !== undefined ? { device } : {}),
    ...(total !== undefined ? { total_bytes: total } : {}),
    ...(used !== undefined ? { used_bytes: used } : {}),
    percent,
  };
}

function toInterface(raw: Record<string, unknown>, index: number, at: number, memory: NetworkCounterMemory): LiveNetworkInterface | null {
  const name = str(raw, 'interface', 'name', 'iface', 'nic') ?? `if${index}`;
  if (name.length > AGENT_ENTITY_NAME_MAX_LENGTH) return null;
  const rx = num(raw, 'rx_bytes', 'bytes_recv', 'bytes_received', 'rx');
  const tx = num(raw, 'tx_bytes', 'bytes_sent', 'tx');
  let rxRate = num(raw, 'rx_bytes_per_sec', 'rx_rate', 'bytes_recv_per_sec', 'rx_bps', 'download_speed');
  let txRate = num(raw, 'tx_bytes_per_sec', 'tx_rate', 'bytes_sent_per_sec', 'tx_bps', 'upload_speed');
  const previous = memory.get(name);
  if (previous && at > previous.at) {
    const seconds = (at - previous.at) / 1000;
    // A counter that went down was reset (reboot, wrap): no rate from that pair.
    if (rxRate === undefined && rx !== undefined && previous.rx !== undefined && rx >= previous.rx) rxRate = (rx - previous.rx) / seconds;
    if (txRate === undefined && tx !== undefined && previous.tx !== undefined && tx >= previous.tx) txRate = (tx - previous.tx) / seconds;
  }
  if (rx !== undefined || tx !== undefined) memory.set(name, { at, rx, tx });
  if (rx === undefined && tx === undefined && rxRate === undefined && txRate === undefined) return null;
  return {
    interface: name,
    ...(rxRate !== undefined ? { rx_bytes_per_sec: rxRate } : {}),
    ...(txRate !== undefined ? { tx_bytes_per_sec: txRate } : {}),
    ...(rx !== undefined ? { rx_bytes: rx } : {}),
    ...(tx !== undefined ? { tx_bytes: tx } : {}),
  };
}

/** Used over total across disks when sizes are known; else the fullest disk. */
function overallDiskPercent(disks: LiveDiskUsage[]): number | undefined {
  if (disks.length === 0) return undefined;
  if (disks.every((d) => d.total_bytes !== undefined && d.used_bytes !== undefined)) {
    const total = disks.reduce((s, d) => s + d.total_bytes!, 0);
    if (total > 0) return (disks.reduce((s, d) => s + d.used_bytes!, 0) / total) * 100;
  }
  return Math.max(...disks.map((d) => d.percent));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLoopback(name: string): boolean {
  return name === 'lo' || name.startsWith('lo0') || /loopback/i.test(name);
}

function sumDefined(values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? defined.reduce((s, v) => s + v, 0) : undefined;
}

function num(raw: Record<string, unknown>, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const v = raw[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return undefined;
}

function str(raw: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const v = raw[key];
    // Whole or not at all (a name past the cap skips its element): a cut could split a surrogate pair.
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}
