import { Injectable } from '@nestjs/common';
import { type FleetSparklines, SPARKLINE_SERIES, type ServerSparklines, type SparklineSeriesName } from '@pharos/protocol';
import { finiteOrNull, type MetricSeriesName } from './metric-series';
import { MetricStore } from './store/metric-store';

export type { FleetSparklines };

/** The sparkline series (`@pharos/protocol`) are headline series the history keeps. */
const SERIES: readonly MetricSeriesName[] = SPARKLINE_SERIES satisfies readonly MetricSeriesName[];

export const SPARKLINE_POINTS = 30;

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
      this.store.sparklineBuckets(serverIds, from, to, stepSeconds, SERIES),
      this.store.latestSamples(serverIds, from, SERIES),
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
