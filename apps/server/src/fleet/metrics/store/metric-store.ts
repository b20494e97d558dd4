import { Injectable } from '@nestjs/common';
import { PrismaService } from '@pharos/database';
import type { DbTransaction } from '../../../platform/database/transactions';
import { TextBlob } from '../../../platform/database/json-rows';
import {
  type BandColumns,
  type EntitySeriesName,
  finiteOrNull,
  isFiniteNumber,
  METRIC_SERIES,
  METRIC_SERIES_NAMES,
  type MetricColumn,
  type MetricSeriesName,
  SERIES_WITH_BAND,
} from '../metric-series';
import { INSERT_SAMPLES_SQL, INSERT_SAMPLES_WITH_ROLLUPS_SQL, INSERT_SNAPSHOTS_AND_SAMPLES_SQL, sampleRowKey } from './sample-sql';

/**
 * Per-entity series of a sample, by series name (one of `ENTITY_SERIES`, which the history API
 * answers for) then entity name, e.g.
 * `{ "iface_rx_bytes_per_sec": { "eth0": 1200 } }` (names: `ENTITY_SERIES`), kept as JSON.
 */
export type EntitySeries = Partial<Record<EntitySeriesName, Record<string, number>>>;

/**
 * The headline values of a sample as the history keeps them: any of `METRIC_SERIES` (a live
 * sample, `LiveMetricsData`, is one; a source with fewer series leaves the others out).
 */
export type HistorySample = { timestamp: string } & Partial<Record<MetricSeriesName, number>>;

/** One sample to store, with its time parsed once. */
export interface SampleToStore {
  serverId: string;
  at: Date;
  sample: HistorySample;
  entitySeries?: EntitySeries;
}

/** The latest report of a node, as the text it came as. */
export interface SnapshotToStore {
  serverId: string;
  reportedAt: Date;
  receivedAt: Date;
  payload: string;
}

/** A node's latest report as stored, its text not parsed. */
export interface StoredSnapshot {
  serverId: string;
  reportedAt: Date;
  receivedAt: Date;
  payload: string;
}

/** What one write stores: atomically, in as few statements as it can. */
export interface MetricBatch {
  /** Samples near the present, stored raw; their rollups follow once committed. */
  samples: SampleToStore[];
  /**
   * Samples far from the present, folded into their rollups as they are stored: each round
   * holds a server at most once (a rollup row can take one sample per statement).
   */
  foldedRounds?: SampleToStore[][];
  /** The latest report of each node in the batch. */
  snapshots?: SnapshotToStore[];
}

/** A time bucket of a history query, with the values of the columns asked for. */
export type HistoryRow = { t: Date | string } & Record<string, unknown>;

export type HistoryTable = 'MetricSample' | 'MetricRollup1m' | 'MetricRollup1h';

/** Each headline series with its key in a sample row. */
const SAMPLE_ROW_FIELDS = METRIC_SERIES_NAMES.map((name) => [name, sampleRowKey(name)] as const);

/**
 * The metric history's SQL: raw samples (a table partitioned by day), the latest report of
 * each node, and the queries charts and fleet lists read. The rollups have their own store
 * (`rollup-store.ts`), the partitions theirs (`partition-store.ts`).
 */
@Injectable()
export class MetricStore {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Writes a batch: inside the caller's transaction if given, else on its own — the usual batch
   * (raw samples and snapshots) is one statement straight to the driver, its rows one large
   * parameter; more statements (folded samples) share one transaction. Answered ⇒ committed.
   */
  async writeBatch(batch: MetricBatch, tx?: DbTransaction): Promise<void> {
    const statements: [string, ...unknown[]][] = [];
    if (batch.snapshots?.length) {
      const { rows, blob } = snapshotRows(batch.snapshots);
      statements.push([INSERT_SNAPSHOTS_AND_SAMPLES_SQL, rows, blob, sampleRows(batch.samples)]);
    } else if (batch.samples.length > 0) {
      statements.push([INSERT_SAMPLES_SQL, sampleRows(batch.samples)]);
    }
    for (const round of batch.foldedRounds ?? []) statements.push([INSERT_SAMPLES_WITH_ROLLUPS_SQL, sampleRows(round)]);
    if (tx) {
      for (const statement of statements) await tx.$executeRawUnsafe(...statement);
    } else if (statements.length === 1) {
      await this.prisma.executeDirect(...statements[0]!);
    } else if (statements.length > 1) {
      await this.prisma.$transaction(statements.map((statement) => this.prisma.$executeRawUnsafe(...statement)));
    }
  }

  /**
   * A history query's headline buckets: `columns` averaged per step of `stepSeconds` over
   * [from, to), and for the series with a band its lowest and highest value in the step
   * (`<name>.min`, `<name>.max`: from the samples, or from the rollups' own extremes).
   */
  headlineHistory(table: HistoryTable, range: HistoryRange, series: MetricSeriesName[]): Promise<HistoryRow[]> {
    const time = table === 'MetricSample' ? 'at' : 'bucket';
    const averages = series.map((name) => `, avg(t."${METRIC_SERIES[name]}") AS "${name}"`).join('');
    const bands = series
      .map((name) => [name, METRIC_SERIES[name], SERIES_WITH_BAND[name]] as const)
      .filter((entry): entry is readonly [MetricSeriesName, MetricColumn, BandColumns] => entry[2] !== undefined)
      .map(([name, column, band]) =>
        table === 'MetricSample'
          ? `, min(t."${column}") AS "${name}.min", max(t."${column}") AS "${name}.max"`
          : `, min(coalesce(t."${band.min}", t."${column}")) AS "${name}.min", max(coalesce(t."${band.max}", t."${column}")) AS "${name}.max"`,
      )
      .join('');
    return this.prisma.$queryRawUnsafe<HistoryRow[]>(
      `SELECT date_bin(make_interval(secs => $4), t."${time}", $2::timestamptz) AS t${averages}${bands}
         FROM "${table}" t
        WHERE t."serverId" = $1::uuid AND t."${time}" >= $2::timestamptz AND t."${time}" < $3::timestamptz
        GROUP BY 1 ORDER BY 1`,
      ...rangeParams(range),
    );
  }

  /** A history query's per-entity buckets of one entity series (of one entity, if given): (bucket, entity, average). */
  entityHistory(table: HistoryTable, range: HistoryRange, series: EntitySeriesName, entity?: string): Promise<{ t: Date | string; entity: string; value: unknown }[]> {
    const time = table === 'MetricSample' ? 'at' : 'bucket';
    return this.prisma.$queryRawUnsafe(
      `SELECT date_bin(make_interval(secs => $4), t."${time}", $2::timestamptz) AS t, e.key AS entity, avg(e.value::double precision) AS value
         FROM "${table}" t CROSS JOIN LATERAL jsonb_each(t."series" -> $5::text) e
        WHERE t."serverId" = $1::uuid AND t."${time}" >= $2::timestamptz AND t."${time}" < $3::timestamptz
          AND ($6::text IS NULL OR e.key = $6::text)
        GROUP BY 1, 2`,
      ...rangeParams(range),
      series,
      entity ?? null,
    );
  }

  /** The newest raw sample of each server since `from`. */
  latestSamples(serverIds: string[], from: Date, series: readonly MetricSeriesName[]): Promise<Record<string, unknown>[]> {
    const columns = series.map((name) => `"${METRIC_SERIES[name]}" AS "${name}"`).join(', ');
    return this.prisma.$queryRawUnsafe(
      `SELECT DISTINCT ON ("serverId") "serverId"::text AS id, "at", ${columns}
         FROM "MetricSample"
        WHERE "serverId" = ANY($1::uuid[]) AND "at" >= $2::timestamptz
        ORDER BY "serverId", "at" DESC`,
      serverIds,
      from.toISOString(),
    );
  }

  /**
   * The raw samples (those not compacted into blocks yet) of these servers in [from, to), in
   * time order: the time in ms, the headline `columns` as numbers, the series as its text
   * when `withSeries`.
   */
  async rawSamples(serverIds: string[], from: Date, to: Date, columns: readonly MetricColumn[], withSeries: boolean): Promise<RawSampleRow[]> {
    const values = columns.map((column) => `, "${column}"::text AS "${column}"`).join('');
    // Straight to the driver: a fleet page's sparklines read thousands of rows, which cost
    // Prisma's raw-query path more than the statement.
    const rows = await this.prisma.queryDirect<RawSampleRow>(
      `SELECT "serverId"::text AS "serverId", (extract(epoch FROM "at") * 1000)::float8 AS "at"${values}, ${withSeries ? '"series"::text' : 'NULL::text'} AS "series"
         FROM "MetricSample"
        WHERE "serverId" = ANY($1::uuid[]) AND "at" >= $2::timestamptz AND "at" < $3::timestamptz
        ORDER BY "serverId", "at"`,
      [serverIds, from.toISOString(), to.toISOString()],
    );
    for (const row of rows) for (const column of columns) row[column] = row[column] === null ? null : Number(row[column]);
    return rows;
  }

  /** The latest report of each of these nodes (those that sent one). */
  snapshots(serverIds: string[]): Promise<StoredSnapshot[]> {
    return this.prisma.nodeSnapshot.findMany({ where: { serverId: { in: serverIds } } });
  }
}

/** A raw sample as `rawSamples` reads it. */
export type RawSampleRow = { serverId: string; at: number; series: string | null } & Record<string, number | string | null>;

/** A history query's server, range and step. */
export interface HistoryRange {
  serverId: string;
  from: Date;
  to: Date;
  stepSeconds: number;
}

function rangeParams({ serverId, from, to, stepSeconds }: HistoryRange): [string, string, string, number] {
  return [serverId, from.toISOString(), to.toISOString(), stepSeconds];
}

/** Samples as one JSON parameter, one object per sample (`sampleRowsSql`). */
function sampleRows(rows: SampleToStore[]): string {
  // Key order: two statements inserting the same keys lock them in the same order.
  rows.sort((a, b) => (a.serverId < b.serverId ? -1 : a.serverId > b.serverId ? 1 : a.at.getTime() - b.at.getTime()));
  return JSON.stringify(
    rows.map(({ serverId, sample, entitySeries, at }) => {
      const row: Record<string, unknown> = { v_server: serverId, v_at: at.toISOString() };
      for (const [name, key] of SAMPLE_ROW_FIELDS) row[key] = finiteOrNull(sample[name]);
      row.v_series = entitySeries ? finiteEntitySeries(entitySeries) : null;
      return row;
    }),
  );
}

/**
 * The latest snapshot of each node in the batch: rows as one JSON parameter and their texts, as
 * they came, as one binary parameter (nothing serialized again, escaped or parsed).
 */
function snapshotRows(snapshots: SnapshotToStore[]): { rows: string; blob: Buffer } {
  const latest = new Map<string, SnapshotToStore>();
  for (const s of snapshots) latest.set(s.serverId, s);
  const ordered = [...latest.values()].sort((a, b) => (a.serverId < b.serverId ? -1 : 1));
  const payloads = new TextBlob();
  const rows = `[${ordered
    .map((s) => {
      const { offset, length } = payloads.add(s.payload);
      return `{"s":"${s.serverId}","r":"${s.reportedAt.toISOString()}","v":"${s.receivedAt.toISOString()}","o":${offset},"l":${length}}`;
    })
    .join(',')}]`;
  return { rows, blob: payloads.toBuffer() };
}

/**
 * Only finite numbers under string keys of objects: anything else would fail the rollup math.
 * Series that are clean already (every node report's) are returned as they are.
 */
function finiteEntitySeries(input: EntitySeries): EntitySeries | null {
  if (isCleanEntitySeries(input)) return input;
  const clean: Record<string, Record<string, number>> = {};
  for (const [name, entities] of Object.entries(input)) {
    if (typeof entities !== 'object' || entities === null) continue;
    const values = Object.entries(entities).filter(([, v]) => isFiniteNumber(v));
    if (values.length > 0) clean[name] = Object.fromEntries(values);
  }
  return Object.keys(clean).length > 0 ? (clean as EntitySeries) : null;
}

/** True when every series is an object of one or more finite numbers, and there is one. */
function isCleanEntitySeries(input: EntitySeries): boolean {
  let series = 0;
  for (const name in input) {
    if (!Object.hasOwn(input, name)) return false;
    const entities = (input as Record<string, Record<string, number> | null>)[name];
    if (typeof entities !== 'object' || entities === null) return false;
    let values = 0;
    for (const entity in entities) {
      const value = entities[entity];
      if (!Object.hasOwn(entities, entity) || !isFiniteNumber(value)) return false;
      values++;
    }
    if (values === 0) return false;
    series++;
  }
  return series > 0;
}
