import type { LiveMetricsData, MetricHistory } from '@pharos/protocol';

/** The series the server page charts, by their API name. */
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

/** Columnar points, as uPlot takes them: timestamps (ms) and one array per series. */
export interface MetricColumns {
  timestamps: number[];
  series: Record<ChartSeriesName, (number | null)[]>;
}

export function emptyColumns(): MetricColumns {
  return { timestamps: [], series: Object.fromEntries(CHART_SERIES.map((s) => [s, []])) as unknown as MetricColumns['series'] };
}

/**
 * The history's points, with a null put into every stretch without samples (a server that
 * was down), so the chart shows a gap instead of a line drawn across it.
 */
export function fromHistory(history: MetricHistory): MetricColumns {
  const stepMs = history.stepSeconds * 1000;
  const columns = emptyColumns();
  history.timestamps.forEach((t, i) => {
    const previous = history.timestamps[i - 1];
    if (previous !== undefined && t - previous > 2 * stepMs) pushGap(columns, previous + stepMs);
    columns.timestamps.push(t);
    for (const s of CHART_SERIES) columns.series[s].push(history.series[s]?.[i] ?? null);
  });
  return columns;
}

function pushGap(columns: MetricColumns, at: number): void {
  columns.timestamps.push(at);
  for (const s of CHART_SERIES) columns.series[s].push(null);
}

/** Live samples further apart than this (and than thrice their usual spacing) leave a gap. */
const MIN_GAP_MS = 15_000;

/**
 * Appends live samples to a window of points, dropping those older than `windowMs` and any
 * sample not newer than the last point (a reconnect may resend one). Returns new arrays, so
 * the chart sees a change.
 */
export function appendSamples(columns: MetricColumns, samples: LiveMetricsData[], windowMs: number): MetricColumns {
  const timestamps = [...columns.timestamps];
  const series = Object.fromEntries(CHART_SERIES.map((s) => [s, [...columns.series[s]]])) as MetricColumns['series'];
  for (const sample of samples) {
    const t = new Date(sample.timestamp).getTime();
    const last = timestamps[timestamps.length - 1];
    if (!Number.isFinite(t) || (last !== undefined && t <= last)) continue;
    const spacing = last !== undefined && timestamps.length > 1 ? last - timestamps[timestamps.length - 2]! : 0;
    if (last !== undefined && t - last > Math.max(MIN_GAP_MS, 3 * spacing)) {
      timestamps.push(last + 1);
      for (const s of CHART_SERIES) series[s].push(null);
    }
    timestamps.push(t);
    for (const s of CHART_SERIES) series[s].push(typeof sample[s] === 'number' ? (sample[s] as number) : null);
  }
  const cutoff = (timestamps[timestamps.length - 1] ?? 0) - windowMs;
  let drop = 0;
  while (drop < timestamps.length && timestamps[drop]! < cutoff) drop++;
  if (drop > 0) {
    timestamps.splice(0, drop);
    for (const s of CHART_SERIES) series[s].splice(0, drop);
  }
  return { timestamps, series };
}
