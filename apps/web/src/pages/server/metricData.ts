import type { LiveMetricsData } from '@pharos/protocol';
import type { MetricHistory } from '../../api/types';

/** The series the server page charts, by their API name. */
export const CHART_SERIES = [
  'cpu_percent',
  'memory_percent',
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

export function fromHistory(history: MetricHistory): MetricColumns {
  return {
    timestamps: history.timestamps,
    series: Object.fromEntries(CHART_SERIES.map((s) => [s, history.series[s] ?? history.timestamps.map(() => null)])) as MetricColumns['series'],
  };
}

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
    if (!Number.isFinite(t) || (timestamps.length > 0 && t <= timestamps[timestamps.length - 1]!)) continue;
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
