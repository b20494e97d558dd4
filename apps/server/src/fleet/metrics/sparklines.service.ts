import { Injectable } from '@nestjs/common';
import { type FleetSparklines, SPARKLINE_SERIES, type ServerSparklines, type SparklineSeriesName } from '@pharos/protocol';
import { RawBuckets } from './blocks/raw-buckets';
import { SampleReader } from './blocks/sample-reader';
import { finiteOrNull, METRIC_SERIES, type MetricSeriesName } from './metric-series';
import { MetricStore } from './store/metric-store';

export type { FleetSparklines };

/** The sparkline series (`@pharos/protocol`) are headline series the history keeps. */
const SERIES: readonly MetricSeriesName[] = SPARKLINE_SERIES satisfies readonly MetricSeriesName[];

export const SPARKLINE_POINTS = 30;

/**
 * Small recent histories of many servers at once, for a fleet list: the samples of the last
 * minutes (blocks and raw rows, `SampleReader`) averaged per step, and the latest of each.
 */
@Injectable()
export class SparklinesService {
  constructor(
    private readonly store: MetricStore,
    private readonly samples: SampleReader,
  ) {}

  async forServers(serverIds: string[], minutes: number, now = new Date()): Promise<FleetSparklines> {
    const stepSeconds = (minutes * 60) / SPARKLINE_POINTS;
    const stepMs = stepSeconds * 1000;
    // Buckets aligned to the step, the last one holding "now", so successive polls line up.
    const lastStart = Math.floor(now.getTime() / stepMs) * stepMs;
    const from = new Date(lastStart - (SPARKLINE_POINTS - 1) * stepMs);
    const to = new Date(lastStart + stepMs);
    const timestamps = Array.from({ length: SPARKLINE_POINTS }, (_, i) => from.getTime() + i * stepMs);

    const buckets = new Map<string, RawBuckets>();
    const latestInRange = new Map<string, { at: number; values: (number | null)[] }>();
    const columns = SERIES.map((name) => METRIC_SERIES[name]);
    const [latestRaw] = await Promise.all([
      // Raw samples stamped after the window too (a clock ahead), as before blocks.
      this.store.latestSamples(serverIds, from, SERIES),
      this.samples.visit(serverIds, from, to, columns, [], ({ serverId, at, values }) => {
        let server = buckets.get(serverId);
        if (!server) buckets.set(serverId, (server = new RawBuckets(from.getTime(), stepMs, SERIES.length)));
        server.add(at, values);
        if (at >= (latestInRange.get(serverId)?.at ?? -Infinity)) latestInRange.set(serverId, { at, values });
      }),
    ]);
    const latest: Record<string, unknown>[] = [];
    const rawLatest = new Map(latestRaw.map((row) => [row.id as string, row]));
    for (const [id, { at, values }] of latestInRange) {
      const raw = rawLatest.get(id);
      if (raw && new Date(raw.at as string | Date).getTime() >= at) continue;
      rawLatest.set(id, { id, at: new Date(at), ...Object.fromEntries(SERIES.map((name, c) => [name, values[c]])) });
    }
    latest.push(...rawLatest.values());
    const bucketRows: Record<string, unknown>[] = [...buckets.entries()].flatMap(([id, server]) => server.headline(SERIES, new Set()).map((row) => ({ ...row, id })));

    const servers: Record<string, ServerSparklines> = {};
    for (const id of serverIds) {
      servers[id.toLowerCase()] = {
        series: Object.fromEntries(SPARKLINE_SERIES.map((name) => [name, new Array<number | null>(SPARKLINE_POINTS).fill(null)])) as ServerSparklines['series'],
        latest: null,
      };
    }
    for (const row of bucketRows) {
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
