import { Injectable } from '@nestjs/common';
import type { HistoryResolution, LiveMetricsData, MetricHistory } from '@pharos/protocol';
import type { DbTransaction } from '../../platform/database/transactions';
import { InvalidInputError } from '../../platform/errors/domain-errors';
import { FleetEventBus } from '../../platform/events/fleet-event-bus';
import { RawBuckets } from './blocks/raw-buckets';
import { SampleReader } from './blocks/sample-reader';
import { MetricRollupsService } from './metric-rollups.service';
import { BAND_SERIES, type EntitySeriesName, finiteOrNull, isEntitySeries, METRIC_SERIES, type MetricSeriesName, RAW_ONLY_SERIES } from './metric-series';
import { type EntitySeries, type HistoryRange, type HistoryRow, type HistorySample, type HistoryTable, MetricStore, type SampleToStore, type SnapshotToStore, type StoredSnapshot } from './store/metric-store';

export type { EntitySeries, HistoryResolution, HistorySample, MetricHistory, SnapshotToStore, StoredSnapshot };

/** One sample to store, as `record` takes it. */
export interface SampleToRecord {
  serverId: string;
  sample: LiveMetricsData;
  entitySeries?: EntitySeries;
}

/** A sample for the history only (not a live one: it is not published). */
export interface HistorySampleToRecord {
  serverId: string;
  sample: HistorySample;
  entitySeries?: EntitySeries;
}

/** What `write` stores in one go: samples, and the latest report of each node among them. */
export interface MetricWrite {
  samples: HistorySampleToRecord[];
  snapshots?: SnapshotToStore[];
}

const TABLE_OF: Record<HistoryResolution, HistoryTable> = { raw: 'MetricSample', '1m': 'MetricRollup1m', '1h': 'MetricRollup1h' };

function timeOf(sample: HistorySample): Date {
  const at = new Date(sample.timestamp);
  if (Number.isNaN(at.getTime())) throw new InvalidInputError('timestamp must be an RFC 3339 time', 'timestamp');
  return at;
}

/**
 * The history of every server's key series, whichever source sent them: raw samples (a table
 * partitioned by day, see `MetricRetentionService`) plus per-minute and per-hour rollups (see
 * `MetricRollupsService`), so a month charts from ~720 rows; and the latest report of each
 * node. A sample is published live to the server's metrics subscribers once it has committed.
 */
@Injectable()
export class MetricsService {
  constructor(
    private readonly store: MetricStore,
    private readonly bus: FleetEventBus,
    private readonly rollups: MetricRollupsService,
    private readonly samples: SampleReader,
  ) {}

  /** Stores one sample on its own (answered ⇒ committed), then publishes it. A repeated timestamp is ignored. */
  async record(serverId: string, sample: LiveMetricsData, entitySeries?: EntitySeries): Promise<void> {
    await this.recordMany([{ serverId, sample, entitySeries }]);
  }

  /** Stores many samples on their own (one statement as a rule), then publishes each. */
  async recordMany(samples: SampleToRecord[]): Promise<void> {
    await this.write({ samples });
    for (const { serverId, sample } of samples) this.committed(serverId, sample);
  }

  /**
   * Stores samples that are history only (answered ⇒ committed) and rolls them up; nothing is
   * published: they are not live samples of a host (a Lightd daemon's containers' usage).
   */
  async recordHistory(samples: HistorySampleToRecord[]): Promise<void> {
    await this.write({ samples });
    for (const { serverId, sample } of samples) this.rollups.committed(serverId, timeOf(sample).getTime());
  }

  /**
   * Stores samples and snapshots, inside the caller's transaction if given; nothing is
   * published nor rolled up: the caller calls `committed` for each sample once committed.
   * Samples near the present are stored raw, their rollups following once committed; others
   * fold into their rollups as they are stored (one statement per sample of a server).
   */
  async write(batch: MetricWrite, tx?: DbTransaction): Promise<void> {
    const now = Date.now();
    const raw: SampleToStore[] = [];
    const foldedRounds: SampleToStore[][] = [];
    const perServer = new Map<string, number>();
    for (const { serverId, sample, entitySeries } of batch.samples) {
      const timed = { serverId, sample, entitySeries, at: timeOf(sample) };
      if (this.rollups.defers(timed.at.getTime(), now)) {
        raw.push(timed);
        continue;
      }
      // A rollup row can take one sample per statement: a server's later samples go in the next.
      const round = perServer.get(serverId) ?? 0;
      perServer.set(serverId, round + 1);
      (foldedRounds[round] ??= []).push(timed);
    }
    await this.store.writeBatch({ samples: raw, foldedRounds, snapshots: batch.snapshots }, tx);
  }

  /** A sample stored by `write` has committed: it is rolled up (soon) and published. */
  committed(serverId: string, sample: LiveMetricsData): void {
    this.rollups.committed(serverId, timeOf(sample).getTime());
    this.bus.publish('metrics', serverId, sample);
  }

  /** The latest report of each of these nodes, as stored (those that sent one). */
  snapshots(serverIds: string[]): Promise<StoredSnapshot[]> {
    return this.store.snapshots(serverIds);
  }

  /**
   * About `points` points of each series over [from, to), averaged into equal steps. The
   * source is the raw samples for ranges up to 6 h, the minute rollups up to 7 days, the hour
   * rollups beyond, unless `resolution` names one. `series` may hold headline series
   * (`METRIC_SERIES`) and per-entity ones (`ENTITY_SERIES`), which come back under `entities`
   * (only `entity`'s, when given); the headline series with a band (`SERIES_WITH_BAND`) also
   * bring their lowest and highest value of each step under `bands`.
   */
  async history(
    serverId: string,
    series: (MetricSeriesName | EntitySeriesName)[],
    from: Date,
    to: Date,
    points: number,
    resolution: HistoryResolution | 'auto' = 'auto',
    entity?: string,
  ): Promise<MetricHistory> {
    if (!(from < to)) throw new InvalidInputError('from must be before to', 'from');
    const spanSeconds = (to.getTime() - from.getTime()) / 1000;
    const chosen: HistoryResolution =
      resolution !== 'auto' ? resolution : spanSeconds <= 6 * 3600 ? 'raw' : spanSeconds <= 7 * 86400 ? '1m' : '1h';
    const native = chosen === 'raw' ? 1 : chosen === '1m' ? 60 : 3600;
    const stepSeconds = Math.max(native, Math.ceil(spanSeconds / points / native) * native);
    const headline = series.filter((s): s is MetricSeriesName => !isEntitySeries(s));
    const wanted = chosen === 'raw' ? headline : headline.filter((s) => !RAW_ONLY_SERIES.includes(s));
    const banded = wanted.filter((s) => BAND_SERIES.includes(s));
    const perEntity = series.filter(isEntitySeries);
    const table = TABLE_OF[chosen];
    // The rollups of samples just stored follow within seconds; a chart has them now.
    if (chosen !== 'raw') await this.rollups.flush({ serverId });
    const range = { serverId, from, to, stepSeconds };
    const { headlineRows, entityRows } =
      chosen === 'raw'
        ? await this.rawBuckets(range, wanted, banded, perEntity, entity)
        : {
            headlineRows: await this.store.headlineHistory(table, range, wanted),
            entityRows: await Promise.all(perEntity.map((name) => this.store.entityHistory(table, range, name, entity))),
          };

    // One time axis for all: the buckets any of the series has a value in.
    const times = new Set<number>(headlineRows.map((r) => new Date(r.t).getTime()));
    for (const rows of entityRows) for (const r of rows) times.add(new Date(r.t).getTime());
    const timestamps = [...times].sort((a, b) => a - b);
    const index = new Map(timestamps.map((t, i) => [t, i]));
    const column = () => new Array<number | null>(timestamps.length).fill(null);

    const result: MetricHistory = {
      serverId,
      resolution: chosen,
      stepSeconds,
      from: from.toISOString(),
      to: to.toISOString(),
      timestamps,
      series: Object.fromEntries(wanted.map((name) => [name, column()])),
      bands: Object.fromEntries(banded.map((name) => [name, { min: column(), max: column() }])),
      entities: {},
    };
    for (const row of headlineRows) {
      const i = index.get(new Date(row.t).getTime())!;
      for (const name of wanted) result.series[name][i] = finiteOrNull(row[name]);
      for (const name of banded) {
        result.bands[name]!.min[i] = finiteOrNull(row[`${name}.min`]);
        result.bands[name]!.max[i] = finiteOrNull(row[`${name}.max`]);
      }
    }
    perEntity.forEach((name, k) => {
      const byEntity: Record<string, (number | null)[]> = {};
      for (const row of entityRows[k]) {
        (byEntity[row.entity] ??= column())[index.get(new Date(row.t).getTime())!] = finiteOrNull(row.value);
      }
      result.entities[name] = byEntity;
    });
    return result;
  }

  /** A raw-resolution history's buckets, from the blocks and the raw rows not compacted yet. */
  private async rawBuckets(
    range: HistoryRange,
    wanted: MetricSeriesName[],
    banded: MetricSeriesName[],
    perEntity: EntitySeriesName[],
    entity: string | undefined,
  ): Promise<{ headlineRows: HistoryRow[]; entityRows: { t: Date; entity: string; value: unknown }[][] }> {
    const buckets = new RawBuckets(range.from.getTime(), range.stepSeconds * 1000, wanted.length);
    const columns = wanted.map((name) => METRIC_SERIES[name]);
    await this.samples.visit([range.serverId], range.from, range.to, columns, perEntity, (s) => buckets.add(s.at, s.values, s.entities));
    return { headlineRows: buckets.headline(wanted, new Set(banded)), entityRows: perEntity.map((name) => buckets.entity(name, entity)) };
  }
}
