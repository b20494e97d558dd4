import type { LiveMetricsData } from '@pharos/protocol';

/**
 * The headline series every source reports, by their API name (the live message's field) and
 * their column in `MetricSample` and the rollup tables.
 */
export const METRIC_SERIES = {
  cpu_percent: 'cpuPercent',
  memory_percent: 'memoryPercent',
  swap_percent: 'swapPercent',
  disk_percent: 'diskPercent',
  load1: 'load1',
  load5: 'load5',
  load15: 'load15',
  net_rx_bytes_per_sec: 'netRxBytesPerS',
  net_tx_bytes_per_sec: 'netTxBytesPerS',
  disk_read_bytes_per_sec: 'diskReadBytesPerS',
  disk_write_bytes_per_sec: 'diskWriteBytesPerS',
  tcp_count: 'tcpCount',
  udp_count: 'udpCount',
  process_count: 'processCount',
  max_temp_c: 'maxTempC',
} as const satisfies Partial<Record<keyof LiveMetricsData, string>>;

export type MetricSeriesName = keyof typeof METRIC_SERIES;
export type MetricColumn = (typeof METRIC_SERIES)[MetricSeriesName];

export const METRIC_SERIES_NAMES = Object.keys(METRIC_SERIES) as MetricSeriesName[];

/** Series that only the raw table keeps (the rollups store the rest). */
export const RAW_ONLY_SERIES: MetricSeriesName[] = ['load5', 'load15'];

/** The columns of a series' band: its lowest and highest value in a rollup bucket. */
export interface BandColumns {
  min: string;
  max: string;
}

/**
 * Series whose rollups also keep the lowest and highest sample, shown as a band around the
 * average on charts (a minute's average hides a spike; the band shows it).
 */
export const SERIES_WITH_BAND: Partial<Record<MetricSeriesName, BandColumns>> = {
  cpu_percent: { min: 'cpuPercentMin', max: 'cpuPercentMax' },
  memory_percent: { min: 'memoryPercentMin', max: 'memoryPercentMax' },
};

export const BAND_SERIES = Object.keys(SERIES_WITH_BAND) as MetricSeriesName[];

export function isMetricSeries(name: string): name is MetricSeriesName {
  return Object.hasOwn(METRIC_SERIES, name);
}

/**
 * Series kept per entity (interface, filesystem, disk, sensor), by API name: the keys of a
 * sample's `EntitySeries`, each a map of entity name → value.
 */
export const ENTITY_SERIES = {
  iface_rx_bytes_per_sec: 'network interface',
  iface_tx_bytes_per_sec: 'network interface',
  fs_used_percent: 'filesystem',
  disk_io_read_bytes_per_sec: 'disk',
  disk_io_write_bytes_per_sec: 'disk',
  temp_c: 'sensor',
  // A Lightd daemon's server: each container's latest billing gauge (a rolling one-hour mean,
  // sampled, never summed over time), by internal id; and the sums over its running
  // containers at each instant, as the one entity `all`.
  container_memory_gb: 'Lightd container',
  container_cpu_vcpus: 'Lightd container',
  container_storage_gb: 'Lightd container',
  container_egress_gb: 'Lightd container',
  container_cost: 'Lightd container',
  daemon_memory_gb: 'Lightd daemon (all)',
  daemon_cpu_vcpus: 'Lightd daemon (all)',
  daemon_storage_gb: 'Lightd daemon (all)',
  daemon_egress_gb: 'Lightd daemon (all)',
  daemon_cost: 'Lightd daemon (all)',
} as const;

export type EntitySeriesName = keyof typeof ENTITY_SERIES;
export const ENTITY_SERIES_NAMES = Object.keys(ENTITY_SERIES) as EntitySeriesName[];

export function isEntitySeries(name: string): name is EntitySeriesName {
  return Object.hasOwn(ENTITY_SERIES, name);
}

/** A value the history can store and average: a number, and finite (not NaN or ±Infinity). */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A value as the history stores it: a finite number (numeric strings read as such), else null. */
export function finiteOrNull(value: unknown): number | null {
  const n = typeof value === 'number' ? value : value === null || value === undefined ? NaN : Number(value);
  return Number.isFinite(n) ? n : null;
}
