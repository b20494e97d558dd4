import { Injectable } from '@nestjs/common';
import { type Prisma, PrismaService } from '@pharos/database';
import type { LiveMetricsData } from '@pharos/protocol';
import { type JsonRowColumn, jsonRowsSql } from '../../platform/database/json-rows';
import { FleetEventBus } from '../../platform/events/fleet-event-bus';
import { InvalidInputError } from '../../platform/errors/domain-errors';
import { ROLLUPS, ROLLUP_SERIES, valueCount } from './metric-rollup-sql';
import { MetricRollupsService } from './metric-rollups.service';
import {
  type EntitySeriesName,
  finiteOrNull,
  isEntitySeries,
  isFiniteNumber,
  METRIC_SERIES,
  METRIC_SERIES_NAMES,
  type MetricSeriesName,
  RAW_ONLY_SERIES,
  SERIES_WITH_MAX,
} from './metric-series';

/**
 * Per-entity series of a sample, by series name then entity name, e.g.
 * `{ "iface_rx_bytes_per_sec": { "eth0": 1200 } }` (names: `ENTITY_SERIES`), kept as JSON.
 */
export type EntitySeries = Record<string, Record<string, number>>;

export type HistoryResolution = 'raw' | '1m' | '1h';

export interface MetricHistory {
  serverId: string;
  resolution: HistoryResolution;
  stepSeconds: number;
  from: string;
  to: string;
  /** Columnar, as chart libraries take it: one timestamp (ms) per point… */
  timestamps: number[];
  /** …and per series one value (or null) per point. */
  series: Record<string, (number | null)[]>;
  /** Per-entity series asked for: series name → entity name → one value (or null) per point. */
  entities: Record<string, Record<string, (number | null)[]>>;
}

/** A headline series' key in a sample row (and its column in the relation `v` of the rows). */
const sampleRowKey = (name: MetricSeriesName) => `v_${METRIC_SERIES[name]}`;

/** Each headline series with its key in a sample row. */
const SAMPLE_ROW_FIELDS = METRIC_SERIES_NAMES.map((name) => [name, sampleRowKey(name)] as const);

/** The columns of a sample row as `jsonRowsSql` reads them (see `sampleRows`). */
const SAMPLE_ROW_COLUMNS: JsonRowColumn[] = [
  ['v_server', 'uuid'],
  ['v_at', 'timestamptz'],
  ...SAMPLE_ROW_FIELDS.map(([, key]): JsonRowColumn => [`"${key}"`, 'double precision']),
  ['v_series', 'jsonb'],
];

/** Samples as one JSON parameter (`jsonRowsSql`), one object per sample. */
function sampleRows(rows: TimedSample[]): string {
  // Key order: two statements inserting the same keys lock them in the same order.
  rows.sort((a, b) => (a.item.serverId < b.item.serverId ? -1 : a.item.serverId > b.item.serverId ? 1 : a.at.getTime() - b.at.getTime()));
  return JSON.stringify(
    rows.map(({ item: { serverId, sample, entitySeries }, at }) => {
      const row: Record<string, unknown> = { v_server: serverId, v_at: at.toISOString() };
      for (const [name, key] of SAMPLE_ROW_FIELDS) row[key] = finiteOrNull(sample[name]);
      row.v_series = entitySeries ? finiteEntitySeries(entitySeries) : null;
      return row;
    }),
  );
}

/** The sample rows of parameter $n as a relation `v`. */
const sampleRowsSource = (paramIndex: number) => `v AS (SELECT * FROM ${jsonRowsSql(`$${paramIndex}`, SAMPLE_ROW_COLUMNS)})`;

/** Inserts the rows of `v` into the raw samples; a repeated timestamp is ignored. */
const INSERT_RAW_SAMPLES = `INSERT INTO "MetricSample" ("serverId", "at", ${METRIC_SERIES_NAMES.map((name) => `"${METRIC_SERIES[name]}"`).join(', ')}, "series")
    SELECT v.v_server, v.v_at, ${SAMPLE_ROW_FIELDS.map(([, key]) => `v."${key}"`).join(', ')}, v.v_series FROM v
    ON CONFLICT ("serverId", "at") DO NOTHING`;

/**
 * Stores samples, raw only (their rollups follow, `MetricRollupsService`): the sample rows are
 * parameter $n; `before`, another data-modifying statement with parameters $1..$n-1, runs in
 * the same statement (atomic with it, one round trip). A repeated timestamp is ignored.
 */
function insertSamplesSql(paramIndex: number, before?: string): string {
  return `WITH ${before ? `companion AS (${before}), ` : ''}${sampleRowsSource(paramIndex)}
    ${INSERT_RAW_SAMPLES}`;
}

/**
 * Stores samples and folds each into its minute and hour rollups in the same statement (for
 * samples far from the present; see `DEFERRED_ROLLUP_WINDOW_MS`). Parameter $1: the sample
 * rows, each server at most once (a rollup row can take one sample per statement).
 */
function insertSamplesWithRollupsSql(): string {
  const rollup = (table: string, seconds: number) => {
    const columns: string[] = [];
    const values: string[] = [];
    const updates = ['"samples" = r."samples" + 1'];
    const firstCounts: string[] = [];
    const nextCounts: string[] = [];
    for (const name of ROLLUP_SERIES) {
      const plain = METRIC_SERIES[name];
      const column = `"${plain}"`;
      const value = `v."${sampleRowKey(name)}"`;
      columns.push(column);
      values.push(value);
      // Running average over the samples that had the value; one without it changes nothing.
      updates.push(
        `${column} = CASE WHEN EXCLUDED.${column} IS NULL THEN r.${column} WHEN r.${column} IS NULL THEN EXCLUDED.${column} ` +
          `ELSE (r.${column} * ${valueCount('r', plain)} + EXCLUDED.${column}) / (${valueCount('r', plain)} + 1) END`,
      );
      firstCounts.push(`'${plain}', (${value} IS NOT NULL)::int`);
      nextCounts.push(`'${plain}', ${valueCount('r', plain)}::int + (EXCLUDED.${column} IS NOT NULL)::int`);
      const maxColumn = SERIES_WITH_MAX[name];
      if (maxColumn) {
        columns.push(`"${maxColumn}"`);
        values.push(value);
        updates.push(`"${maxColumn}" = GREATEST(r."${maxColumn}", EXCLUDED."${maxColumn}")`);
      }
    }
    columns.push('"valueCounts"', '"series"', '"seriesCounts"');
    values.push(`jsonb_build_object(${firstCounts.join(', ')})`, 'v.v_series', 'pharos_series_count(NULL, v.v_series)');
    updates.push(`"valueCounts" = jsonb_build_object(${nextCounts.join(', ')})`);
    // Per-entity averages the same way (the functions are defined in the migrations).
    updates.push('"series" = pharos_series_merge(r."series", r."seriesCounts", EXCLUDED."series")');
    updates.push('"seriesCounts" = pharos_series_count(r."seriesCounts", EXCLUDED."series")');
    const bucket = `date_bin(interval '${seconds} seconds', v.v_at, timestamptz '1970-01-01T00:00:00Z')`;
    return `INSERT INTO "${table}" AS r ("serverId", "bucket", "samples", ${columns.join(', ')})
      SELECT v.v_server, ${bucket}, 1, ${values.join(', ')} FROM v JOIN inserted i ON i."serverId" = v.v_server AND i."at" = v.v_at
      ON CONFLICT ("serverId", "bucket") DO UPDATE SET ${updates.join(', ')}`;
  };
  // Unreferenced data-modifying CTEs run after the main statement: the finest rollup is the main
  // statement, so its row is locked before the coarser ones, the order a flush locks them in.
  const [last, ...leading] = ROLLUPS.map(({ table, seconds }) => rollup(table, seconds));
  return `WITH ${sampleRowsSource(1)},
    inserted AS (${INSERT_RAW_SAMPLES} RETURNING "serverId", "at")${leading.map((sql, i) => `, rollup${i} AS (${sql})`).join('')}
    ${last}`;
}

const INSERT_SAMPLES_WITH_ROLLUPS_SQL = insertSamplesWithRollupsSql();

/** A sample with its time, parsed once. */
interface TimedSample {
  item: SampleToRecord;
  at: Date;
}

/** One sample to store, as `record` takes it. */
export interface SampleToRecord {
  serverId: string;
  sample: LiveMetricsData;
  entitySeries?: EntitySeries;
}

/** Another write to make in the same statement as the samples: its SQL and its parameters ($1…). */
export interface CompanionWrite {
  sql: string;
  params: unknown[];
}

function timeOf(sample: LiveMetricsData): Date {
  const at = new Date(sample.timestamp);
  if (Number.isNaN(at.getTime())) throw new InvalidInputError('timestamp must be an RFC 3339 time', 'timestamp');
  return at;
}

/**
 * The history of every server's key series, whichever source sent them: raw samples (a table
 * partitioned by day, see `MetricRetentionService`) plus per-minute and per-hour rollups (see
 * `MetricRollupsService`), so a month charts from ~720 rows. A recorded sample is then
 * published live to the server's metrics subscribers.
 */
@Injectable()
export class MetricsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly bus: FleetEventBus,
    private readonly rollups: MetricRollupsService,
  ) {}

  /**
   * Stores one sample (answered ⇒ committed), then publishes it. A repeated timestamp is
   * ignored. Inside a caller's transaction (`tx`), nothing is published: the caller calls
   * `committed` once it has committed.
   */
  async record(
    serverId: string,
    sample: LiveMetricsData,
    entitySeries?: EntitySeries,
    tx: Prisma.TransactionClient = this.prisma,
  ): Promise<void> {
    await this.recordMany([{ serverId, sample, entitySeries }], tx);
    if (tx === this.prisma) this.committed(serverId, sample);
  }

  /**
   * Stores many samples, inside the caller's transaction if given, with `companion` (another
   * write) in the same statement. Samples near the present are stored raw in one statement,
   * their rollups following once committed; others fold into their rollups as they are stored
   * (one statement per sample of a server). Nothing is published, nor rolled up: the caller
   * calls `committed` for each sample once committed.
   */
  async recordMany(samples: SampleToRecord[], tx: Prisma.TransactionClient = this.prisma, companion?: CompanionWrite): Promise<void> {
    const now = Date.now();
    const deferred: TimedSample[] = [];
    // A rollup row can take one sample per statement: a server's later samples go in the next.
    const rounds: TimedSample[][] = [];
    const perServer = new Map<string, number>();
    for (const item of samples) {
      const timed = { item, at: timeOf(item.sample) };
      if (this.rollups.defers(timed.at.getTime(), now)) {
        deferred.push(timed);
        continue;
      }
      const round = perServer.get(item.serverId) ?? 0;
      perServer.set(item.serverId, round + 1);
      (rounds[round] ??= []).push(timed);
    }
    const statements: [string, ...unknown[]][] = [];
    if (deferred.length > 0 || companion) {
      const params = companion?.params ?? [];
      statements.push([insertSamplesSql(params.length + 1, companion?.sql), ...params, sampleRows(deferred)]);
    }
    for (const round of rounds) statements.push([INSERT_SAMPLES_WITH_ROLLUPS_SQL, sampleRows(round)]);
    if (tx !== this.prisma) {
      for (const statement of statements) await tx.$executeRawUnsafe(...statement);
    } else if (statements.length === 1) {
      // The usual batch: one statement, its rows one large parameter, straight to the driver.
      await this.prisma.executeDirect(...statements[0]!);
    } else if (statements.length > 1) {
      await this.prisma.$transaction(statements.map((statement) => this.prisma.$executeRawUnsafe(...statement)));
    }
  }

  /** A sample stored by `recordMany` has committed: it is rolled up (soon) and published. */
  committed(serverId: string, sample: LiveMetricsData): void {
    this.rollups.committed(serverId, timeOf(sample).getTime());
    this.bus.publish('metrics', serverId, sample);
  }

  /**
   * About `points` points of each series over [from, to), averaged into equal steps. The
   * source is the raw samples for ranges up to 6 h, the minute rollups up to 7 days, the hour
   * rollups beyond, unless `resolution` names one. `series` may hold headline series
   * (`METRIC_SERIES`) and per-entity ones (`ENTITY_SERIES`), which come back under `entities`.
   */
  async history(
    serverId: string,
    series: (MetricSeriesName | EntitySeriesName)[],
    from: Date,
    to: Date,
    points: number,
    resolution: HistoryResolution | 'auto' = 'auto',
  ): Promise<MetricHistory> {
    if (!(from < to)) throw new InvalidInputError('from must be before to', 'from');
    const spanSeconds = (to.getTime() - from.getTime()) / 1000;
    const chosen: HistoryResolution =
      resolution !== 'auto' ? resolution : spanSeconds <= 6 * 3600 ? 'raw' : spanSeconds <= 7 * 86400 ? '1m' : '1h';
    const native = chosen === 'raw' ? 1 : chosen === '1m' ? 60 : 3600;
    const stepSeconds = Math.max(native, Math.ceil(spanSeconds / points / native) * native);
    const headline = series.filter((s): s is MetricSeriesName => !isEntitySeries(s));
    const wanted = chosen === 'raw' ? headline : headline.filter((s) => !RAW_ONLY_SERIES.includes(s));
    const perEntity = series.filter(isEntitySeries);
    const table = chosen === 'raw' ? 'MetricSample' : chosen === '1m' ? 'MetricRollup1m' : 'MetricRollup1h';
    const timeColumn = chosen === 'raw' ? 'at' : 'bucket';
    // The rollups of samples just stored follow within seconds; a chart has them now.
    if (chosen !== 'raw') await this.rollups.flush({ serverId });
    const range = [serverId, from.toISOString(), to.toISOString(), stepSeconds] as const;
    const binned = `date_bin(make_interval(secs => $4), t."${timeColumn}", $2::timestamptz)`;
    const inRange = `t."serverId" = $1::uuid AND t."${timeColumn}" >= $2::timestamptz AND t."${timeColumn}" < $3::timestamptz`;

    const selects = wanted.map((name) => `avg(t."${METRIC_SERIES[name]}") AS "${name}"`);
    const headlineRows = await this.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT ${binned} AS t${selects.length ? ', ' + selects.join(', ') : ''}
         FROM "${table}" t WHERE ${inRange} GROUP BY 1 ORDER BY 1`,
      ...range,
    );
    const entityRows = await Promise.all(
      perEntity.map((name) =>
        this.prisma.$queryRawUnsafe<{ t: Date | string; entity: string; value: unknown }[]>(
          `SELECT ${binned} AS t, e.key AS entity, avg(e.value::double precision) AS value
             FROM "${table}" t CROSS JOIN LATERAL jsonb_each(t."series" -> $5::text) e
            WHERE ${inRange} GROUP BY 1, 2`,
          ...range,
          name,
        ),
      ),
    );

    // One time axis for all: the buckets any of the series has a value in.
    const times = new Set<number>(headlineRows.map((r) => new Date(r.t as string | Date).getTime()));
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
      entities: {},
    };
    for (const row of headlineRows) {
      const i = index.get(new Date(row.t as string | Date).getTime())!;
      for (const name of wanted) result.series[name][i] = finiteOrNull(row[name]);
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
}

/**
 * Only finite numbers under string keys of objects: anything else would fail the rollup math.
 * Series that are clean already (every node report's) are returned as they are.
 */
function finiteEntitySeries(input: EntitySeries): EntitySeries | null {
  if (isCleanEntitySeries(input)) return input;
  const clean: EntitySeries = {};
  for (const [name, entities] of Object.entries(input)) {
    if (typeof entities !== 'object' || entities === null) continue;
    const values = Object.entries(entities).filter(([, v]) => isFiniteNumber(v));
    if (values.length > 0) clean[name] = Object.fromEntries(values);
  }
  return Object.keys(clean).length > 0 ? clean : null;
}

/** True when every series is an object of one or more finite numbers, and there is one. */
function isCleanEntitySeries(input: EntitySeries): boolean {
  let series = 0;
  for (const name in input) {
    if (!Object.hasOwn(input, name)) return false;
    const entities = input[name];
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
