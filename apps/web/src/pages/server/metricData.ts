import type { LiveMetricsData, MetricHistory } from '@pharos/protocol';

/** The headline series the server page charts, by their API name. */
export const CHART_SERIES = [
  'cpu_percent',
  'memory_percent',
  'disk_percent',
  'swap_percent',
  'load1',
  'net_rx_bytes_per_sec',
  'net_tx_bytes_per_sec',
  'disk_read_bytes_per_sec',
  'disk_write_bytes_per_sec',
] as const;
export type ChartSeriesName = (typeof CHART_SERIES)[number];

/** The per-entity series it charts: filesystems, interfaces, disks, sensors. */
export const ENTITY_CHART_SERIES = ['fs_used_percent', 'iface_rx_bytes_per_sec', 'iface_tx_bytes_per_sec', 'disk_io_read_bytes_per_sec', 'disk_io_write_bytes_per_sec', 'temp_c'] as const;
export type EntityChartSeriesName = (typeof ENTITY_CHART_SERIES)[number];

/** Columnar points, as uPlot takes them: timestamps (ms), then values per series. */
export interface MetricColumns {
  timestamps: number[];
  series: Record<ChartSeriesName, (number | null)[]>;
  /** For series that have one (CPU, memory, from the history): each point's lowest and highest. */
  bands: Partial<Record<ChartSeriesName, { min: (number | null)[]; max: (number | null)[] }>>;
  /** Series name → entity (a mount, an interface, a disk, a sensor) → values. */
  entities: Record<EntityChartSeriesName, Record<string, (number | null)[]>>;
}

export function emptyColumns(): MetricColumns {
  return {
    timestamps: [],
    series: Object.fromEntries(CHART_SERIES.map((s) => [s, []])) as unknown as MetricColumns['series'],
    bands: {},
    entities: Object.fromEntries(ENTITY_CHART_SERIES.map((s) => [s, {}])) as MetricColumns['entities'],
  };
}

/** The history as the charts take it (gaps are the chart's to draw, by the report interval). */
export function fromHistory(history: MetricHistory): MetricColumns {
  const columns = emptyColumns();
  columns.timestamps = history.timestamps;
  const blank = () => new Array<number | null>(history.timestamps.length).fill(null);
  for (const s of CHART_SERIES) columns.series[s] = history.series[s] ?? blank();
  for (const [name, band] of Object.entries(history.bands ?? {})) columns.bands[name as ChartSeriesName] = band;
  for (const s of ENTITY_CHART_SERIES) columns.entities[s] = history.entities[s] ?? {};
  return columns;
}

/** Loopback traffic never leaves the host: not charted (as the history leaves it out). */
function isLoopback(name: string): boolean {
  return name === 'lo' || /^loopback/i.test(name);
}

/** A live sample's per-entity values, as the history keeps them (no temperatures or per-disk I/O live). */
function sampleEntities(sample: LiveMetricsData): Partial<Record<EntityChartSeriesName, Record<string, number>>> {
  const found: Partial<Record<EntityChartSeriesName, Record<string, number>>> = {};
  const put = (series: EntityChartSeriesName, entity: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) (found[series] ??= {})[entity] = value;
  };
  for (const d of sample.disk_usage) put('fs_used_percent', d.mountpoint, d.percent);
  for (const n of sample.network) {
    if (isLoopback(n.interface)) continue;
    put('iface_rx_bytes_per_sec', n.interface, n.rx_bytes_per_sec);
    put('iface_tx_bytes_per_sec', n.interface, n.tx_bytes_per_sec);
  }
  return found;
}

/**
 * Appends live samples to a window of points, dropping those older than `windowMs` and any
 * sample not newer than the last point (a reconnect may resend one). Returns new arrays, so
 * the chart sees a change.
 */
export function appendSamples(columns: MetricColumns, samples: LiveMetricsData[], windowMs: number): MetricColumns {
  const next = copy(columns);
  for (const sample of samples) {
    const t = new Date(sample.timestamp).getTime();
    const last = next.timestamps[next.timestamps.length - 1];
    if (!Number.isFinite(t) || (last !== undefined && t <= last)) continue;
    const before = next.timestamps.length;
    next.timestamps.push(t);
    for (const s of CHART_SERIES) next.series[s].push(typeof sample[s] === 'number' ? sample[s] : null);
    for (const band of Object.values(next.bands)) {
      band.min.push(null);
      band.max.push(null);
    }
    const entities = sampleEntities(sample);
    for (const s of ENTITY_CHART_SERIES) {
      const byEntity = next.entities[s];
      for (const entity of Object.keys(entities[s] ?? {})) byEntity[entity] ??= new Array<number | null>(before).fill(null);
      for (const [entity, values] of Object.entries(byEntity)) values.push(entities[s]?.[entity] ?? null);
    }
  }
  return dropBefore(next, (next.timestamps[next.timestamps.length - 1] ?? 0) - windowMs);
}

/** History first, then whatever live points are newer than its last one. */
export function mergeHistory(history: MetricColumns, live: MetricColumns): MetricColumns {
  const last = history.timestamps[history.timestamps.length - 1] ?? -Infinity;
  const start = live.timestamps.findIndex((t) => t > last);
  if (start < 0) return history;
  const tail = dropBefore(live, live.timestamps[start]!);
  const merged = copy(history);
  const before = merged.timestamps.length;
  merged.timestamps.push(...tail.timestamps);
  for (const s of CHART_SERIES) merged.series[s].push(...tail.series[s]);
  for (const band of Object.values(merged.bands)) {
    band.min.push(...tail.timestamps.map(() => null));
    band.max.push(...tail.timestamps.map(() => null));
  }
  for (const s of ENTITY_CHART_SERIES) {
    const entities = new Set([...Object.keys(merged.entities[s]), ...Object.keys(tail.entities[s])]);
    for (const entity of entities) {
      const head = merged.entities[s][entity] ?? new Array<number | null>(before).fill(null);
      merged.entities[s][entity] = [...head, ...(tail.entities[s][entity] ?? tail.timestamps.map(() => null))];
    }
  }
  return merged;
}

function copy(columns: MetricColumns): MetricColumns {
  return {
    timestamps: [...columns.timestamps],
    series: Object.fromEntries(CHART_SERIES.map((s) => [s, [...columns.series[s]]])) as MetricColumns['series'],
    bands: Object.fromEntries(Object.entries(columns.bands).map(([s, b]) => [s, { min: [...b.min], max: [...b.max] }])),
    entities: Object.fromEntries(
      ENTITY_CHART_SERIES.map((s) => [s, Object.fromEntries(Object.entries(columns.entities[s]).map(([e, v]) => [e, [...v]]))]),
    ) as MetricColumns['entities'],
  };
}

/** The columns without their points older than `cutoff` (ms); entities left with no value go. */
function dropBefore(columns: MetricColumns, cutoff: number): MetricColumns {
  let drop = 0;
  while (drop < columns.timestamps.length && columns.timestamps[drop]! < cutoff) drop++;
  if (drop === 0) return columns;
  columns.timestamps.splice(0, drop);
  for (const s of CHART_SERIES) columns.series[s].splice(0, drop);
  for (const band of Object.values(columns.bands)) {
    band.min.splice(0, drop);
    band.max.splice(0, drop);
  }
  for (const s of ENTITY_CHART_SERIES) {
    for (const [entity, values] of Object.entries(columns.entities[s])) {
      values.splice(0, drop);
      if (values.every((v) => v === null)) delete columns.entities[s][entity];
    }
  }
  return columns;
}

/** Whether a series has any value: a chart of a series its source never sends is left out. */
export function hasValues(values: readonly (number | null)[] | undefined): boolean {
  return values?.some((v) => v !== null) ?? false;
}
