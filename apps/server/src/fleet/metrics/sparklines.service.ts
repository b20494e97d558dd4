import { Injectable } from '@nestjs/common';
import { finiteOrNull, type MetricSeriesName } from './metric-series';
import { MetricStore } from './store/metric-store';

/** The series a fleet row draws, and their latest values. */
export const SPARKLINE_SERIES = ['cpu_percent', 'memory_percent', 'disk_percent', 'net_rx_bytes_per_sec', 'net_tx_bytes_per_sec'] as const satisfies MetricSeriesName[];
export type SparklineSeriesName = (typeof SPARKLINE_SERIES)[number];

export const SPARKLINE_POINTS = 30;

export interface ServerSparklines {
  series: Record<SparklineSeriesName, (number | null)[]>;
  /** The newest sample in the window, or null when the server sent none. */
  latest: ({ at: string } & Record<SparklineSeriesName, number | null>) | null;
}

export interface FleetSparklines {
  stepSeconds: number;
  /** One timestamp (ms, bucket start) per point, shared by every server. */
  timestamps: number[];
  servers: Record<string, ServerSparklines>;
}

/**
 * Small recent histories of many servers at once, for a fleet list: one query for the
 * buckets and one for the latest samples, over the raw samples of the last minutes.
 */
@Injectable()
export class SparklinesService {
  constructor(private readonly store: MetricStore) {}

  async forServers(serverIds: string[], minutes: number, now = new Date()): Promise<FleetSparklines> {
    const stepSeconds = (minutes * 60) / SPARKLINE_POINTS;
    const stepMs = stepSeconds * 1000;
    // Buckets aligned to the step, the last one holding "now", so successive polls line up.
    const lastStart = Math.floor(now.getTime() / stepMs) * stepMs;
    const from = new Date(lastStart - (SPARKLINE_POINTS - 1) * stepMs);
    const to = new Date(lastStart + stepMs);
    const timestamps = Array.from({ length: SPARKLINE_POINTS }, (_, i) => from.getTime() + i * stepMs);

    const [buckets, latest] = await Promise.all([
      this.store.sparklineBuckets(serverIds, from, to, stepSeconds, SPARKLINE_SERIES),
      this.store.latestSamples(serverIds, from, SPARKLINE_SERIES),
    ]);

    const servers: Record<string, ServerSparklines> = {};
    for (const id of serverIds) {
      servers[id.toLowerCase()] = {
        series: Object.fromEntries(SPARKLINE_SERIES.map((name) => [name, new Array<number | null>(SPARKLINE_POINTS).fill(null)])) as ServerSparklines['series'],
        latest: null,
      };
    }
    for (const row of buckets) {
      const entry = servers[row.id as string];
      const index = Math.round((new Date(row.t as string | Date).getTime() - from.getTime()) / stepMs);
      if (!entry || index < 0 || index >= SPARKLINE_POINTS) continue;
      for (const name of SPARKLINE_SERIES) entry.series[name][index] = finiteOrNull(row[name]);
    }
    for (const row of latest) {
      const entry = servers[row.id as string];
      if (!entry) continue;
      entry.latest = {
        at: new Date(row.at as string | Date).toISOString(),
        ...(Object.fromEntries(SPARKLINE_SERIES.map((name) => [name, finiteOrNull(row[name])])) as Record<SparklineSeriesName, number | null>),
      };
    }
    return { stepSeconds, timestamps, servers };
  }
}
