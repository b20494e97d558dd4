import { Injectable } from '@nestjs/common';
import { type Prisma, PrismaService } from '@pharos/database';
import type { LiveMetricsData } from '@pharos/protocol';
import { FleetEventBus } from '../events/fleet-event-bus';
import { InvalidInputError } from '../errors/domain-errors';
import {
  type EntitySeriesName,
  isEntitySeries,
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

const ROLLUPS: { table: string; seconds: number }[] = [
  { table: 'MetricRollup1m', seconds: 60 },
  { table: 'MetricRollup1h', seconds: 3600 },
];

const ROLLUP_SERIES = METRIC_SERIES_NAMES.filter((n) => !RAW_ONLY_SERIES.includes(n));

/** A rollup row's count of samples that had this column's value (older rows: all samples). */
const valueCount = (row: string, column: string) => `coalesce((${row}."valueCounts" ->> '${column}')::double precision, ${row}."samples")`;

/**
 * The statement that stores samples and folds them into their minute and hour rollups. `one`:
 * parameters $1 server id, $2 sample time, then one bucket start per rollup, then one value
 * per series (METRIC_SERIES_NAMES order), then the entity series JSON. `many`: the same as
 * arrays, one element per sample (each server at most once: a rollup row can take one sample
 * per statement).
 */
function recordSamplesSql(shape: 'one' | 'many'): string {
  const n = 3 + ROLLUPS.length + METRIC_SERIES_NAMES.length;
  const param = (i: number, type: string) => `$${i}::${type}`;
  const valueParam = (name: MetricSeriesName) =>
    shape === 'one' ? param(3 + ROLLUPS.length + METRIC_SERIES_NAMES.indexOf(name), 'double precision') : `v."v_${METRIC_SERIES[name]}"`;
  const seriesParam = shape === 'one' ? param(n, 'jsonb') : 'v.v_series';
  const bucketParam = (i: number) => (shape === 'one' ? param(3 + i, 'timestamptz') : `v.v_bucket${i}`);
  const rawColumns = METRIC_SERIES_NAMES.map((name) => `"${METRIC_SERIES[name]}"`);
  const rollup = (table: string, bucket: string) => {
    const columns: string[] = [];
    const values: string[] = [];
    const updates = ['"samples" = r."samples" + 1'];
    const firstCounts: string[] = [];
    const nextCounts: string[] = [];
    for (const name of ROLLUP_SERIES) {
      const plain = METRIC_SERIES[name];
      const column = `"${plain}"`;
      columns.push(column);
      values.push(valueParam(name));
      // Running average over the samples that had the value; one without it changes nothing.
      updates.push(
        `${column} = CASE WHEN EXCLUDED.${column} IS NULL THEN r.${column} WHEN r.${column} IS NULL THEN EXCLUDED.${column} ` +
          `ELSE (r.${column} * ${valueCount('r', plain)} + EXCLUDED.${column}) / (${valueCount('r', plain)} + 1) END`,
      );
      firstCounts.push(`'${plain}', (${valueParam(name)} IS NOT NULL)::int`);
      nextCounts.push(`'${plain}', ${valueCount('r', plain)}::int + (EXCLUDED.${column} IS NOT NULL)::int`);
      const maxColumn = SERIES_WITH_MAX[name];
      if (maxColumn) {
        columns.push(`"${maxColumn}"`);
        values.push(valueParam(name));
        updates.push(`"${maxColumn}" = GREATEST(r."${maxColumn}", EXCLUDED."${maxColumn}")`);
      }
    }
    columns.push('"valueCounts"', '"series"', '"seriesCounts"');
    values.push(`jsonb_build_object(${firstCounts.join(', ')})`, seriesParam, `pharos_series_count(NULL, ${seriesParam})`);
    updates.push(`"valueCounts" = jsonb_build_object(${nextCounts.join(', ')})`);
    // Per-entity averages the same way (the functions are defined in the migrations).
    updates.push('"series" = pharos_series_merge(r."series", r."seriesCounts", EXCLUDED."series")');
    updates.push('"seriesCounts" = pharos_series_count(r."seriesCounts", EXCLUDED."series")');
    const source =
      shape === 'one'
        ? `SELECT $1::uuid, ${bucket}, 1, ${values.join(', ')} WHERE EXISTS (SELECT 1 FROM inserted)`
        : `SELECT v.v_server, ${bucket}, 1, ${values.join(', ')} FROM v JOIN inserted i ON i."serverId" = v.v_server AND i."at" = v.v_at`;
    return `INSERT INTO "${table}" AS r ("serverId", "bucket", "samples", ${columns.join(', ')})
      ${source}
      ON CONFLICT ("serverId", "bucket") DO UPDATE SET ${updates.join(', ')}`;
  };
  const rollups = ROLLUPS.map(({ table }, i) => rollup(table, bucketParam(i)));
  const leading = rollups.slice(0, -1).map((sql, i) => `, rollup${i} AS (${sql})`);
  if (shape === 'one') {
    return `WITH inserted AS (
      INSERT INTO "MetricSample" ("serverId", "at", ${rawColumns.join(', ')}, "series")
      VALUES ($1::uuid, $2::timestamptz, ${METRIC_SERIES_NAMES.map(valueParam).join(', ')}, ${seriesParam})
      ON CONFLICT ("serverId", "at") DO NOTHING
      RETURNING 1
    )${leading.join('')}
    ${rollups[rollups.length - 1]}`;
  }
  const arrays = [
    '$1::uuid[]',
    '$2::timestamptz[]',
    ...ROLLUPS.map((_, i) => `$${3 + i}::timestamptz[]`),
    ...METRIC_SERIES_NAMES.map((_, i) => `$${3 + ROLLUPS.length + i}::double precision[]`),
    `$${n}::text[]`,
  ];
  const names = ['v_server', 'v_at', ...ROLLUPS.map((_, i) => `v_bucket${i}`), ...METRIC_SERIES_NAMES.map((name) => `"v_${METRIC_SERIES[name]}"`), 'v_series_text'];
  return `WITH v AS (
      SELECT u.*, u.v_series_text::jsonb AS v_series FROM unnest(${arrays.join(', ')}) AS u(${names.join(', ')})
    ), inserted AS (
      INSERT INTO "MetricSample" ("serverId", "at", ${rawColumns.join(', ')}, "series")
      SELECT v.v_server, v.v_at, ${METRIC_SERIES_NAMES.map(valueParam).join(', ')}, v.v_series FROM v
      ON CONFLICT ("serverId", "at") DO NOTHING
      RETURNING "serverId", "at"
    )${leading.join('')}
    ${rollups[rollups.length - 1]}`;
}

const RECORD_SAMPLE_SQL = recordSamplesSql('one');
const RECORD_SAMPLES_SQL = recordSamplesSql('many');

/** One sample to store, as `record` takes it. */
export interface SampleToRecord {
  serverId: string;
  sample: LiveMetricsData;
  entitySeries?: EntitySeries;
}

/**
 * Recomputes one rollup table's buckets in [$1, $2) (optionally of one server, $3) from the
 * raw samples or from the minute rollups, each average weighed by the samples that had it.
 */
function rebuildRollupSql(target: { table: string; seconds: number }, source: 'raw' | '1m', oneServer: boolean): string {
  const from = source === 'raw' ? '"MetricSample"' : '"MetricRollup1m"';
  const time = source === 'raw' ? '"at"' : '"bucket"';
  const bucket = `date_bin(interval '${target.seconds} seconds', s.${time}, timestamptz '1970-01-01T00:00:00Z')`;
  const where = `s.${time} >= $1::timestamptz AND s.${time} < $2::timestamptz${oneServer ? ' AND s."serverId" = $3::uuid' : ''}`;
  const columns: string[] = [];
  const selects: string[] = [];
  const counts: string[] = [];
  for (const name of ROLLUP_SERIES) {
    const plain = METRIC_SERIES[name];
    const column = `"${plain}"`;
    const weight = source === 'raw' ? '1' : valueCount('s', plain);
    const had = `sum(${weight}) FILTER (WHERE s.${column} IS NOT NULL)`;
    columns.push(column);
    // Integer columns (counts) average to fractions.
    selects.push(`sum(s.${column}::double precision * ${weight}) / nullif(${had}, 0)`);
    counts.push(`'${plain}', coalesce(${had}, 0)::int`);
    const maxColumn = SERIES_WITH_MAX[name];
    if (maxColumn) {
      columns.push(`"${maxColumn}"`);
      selects.push(source === 'raw' ? `max(s.${column})` : `max(s."${maxColumn}")`);
    }
  }
  columns.push('"valueCounts"');
  selects.push(`jsonb_build_object(${counts.join(', ')})`);
  const entityWeight = source === 'raw' ? '1' : `coalesce((s."seriesCounts" -> m.key ->> e.key)::double precision, s."samples")`;
  return `WITH base AS (
      SELECT s."serverId" AS sid, ${bucket} AS bucket, ${source === 'raw' ? 'count(*)' : 'sum(s."samples")'}::int AS samples,
             ${selects.map((sql, i) => `${sql} AS c${i}`).join(', ')}
        FROM ${from} s WHERE ${where} GROUP BY 1, 2
    ), per_entity AS (
      SELECT s."serverId" AS sid, ${bucket} AS bucket, m.key AS metric, e.key AS entity,
             sum(e.value::double precision * ${entityWeight}) / sum(${entityWeight}) AS value, sum(${entityWeight})::int AS n
        FROM ${from} s CROSS JOIN LATERAL jsonb_each(s."series") m CROSS JOIN LATERAL jsonb_each(m.value) e
       WHERE ${where} GROUP BY 1, 2, 3, 4
    ), per_metric AS (
      SELECT sid, bucket, metric, jsonb_object_agg(entity, value) AS entities, jsonb_object_agg(entity, n) AS counts
        FROM per_entity GROUP BY 1, 2, 3
    ), series AS (
      SELECT sid, bucket, jsonb_object_agg(metric, entities) AS series, jsonb_object_agg(metric, counts) AS counts
        FROM per_metric GROUP BY 1, 2
    )
    INSERT INTO "${target.table}" ("serverId", "bucket", "samples", ${columns.join(', ')}, "series", "seriesCounts")
    SELECT base.sid, base.bucket, base.samples, ${columns.map((_, i) => `base.c${i}`).join(', ')}, series.series, series.counts
      FROM base LEFT JOIN series USING (sid, bucket)
    ON CONFLICT ("serverId", "bucket") DO UPDATE SET "samples" = EXCLUDED."samples", ${columns
      .map((c) => `${c} = EXCLUDED.${c}`)
      .join(', ')}, "series" = EXCLUDED."series", "seriesCounts" = EXCLUDED."seriesCounts"`;
}

const REBUILD_SQL = {
  minute: { all: rebuildRollupSql(ROLLUPS[0], 'raw', false), one: rebuildRollupSql(ROLLUPS[0], 'raw', true) },
  hour: { all: rebuildRollupSql(ROLLUPS[1], '1m', false), one: rebuildRollupSql(ROLLUPS[1], '1m', true) },
};

const HOUR_MS = 3600_000;

/**
 * The history of every server's key series, whichever source sent them: raw samples (a table
 * partitioned by day, see `MetricRetentionService`) plus per-minute and per-hour rollups
 * maintained on write, so a month charts from ~720 rows. A recorded sample is then published
 * live to the server's metrics subscribers.
 */
@Injectable()
export class MetricsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly bus: FleetEventBus,
  ) {}

  /**
   * Stores one sample and updates its minute and hour rollups in one statement (atomic, one
   * round trip; answered ⇒ committed), then publishes it. A repeated timestamp is ignored,
   * rollups included. Inside a caller's transaction (`tx`), nothing is published: the caller
   * calls `publishCommitted` once it has committed.
   */
  async record(
    serverId: string,
    sample: LiveMetricsData,
    entitySeries?: EntitySeries,
    tx: Prisma.TransactionClient = this.prisma,
  ): Promise<void> {
    const at = new Date(sample.timestamp);
    if (Number.isNaN(at.getTime())) throw new InvalidInputError('timestamp must be an RFC 3339 time', 'timestamp');
    const series = entitySeries ? finiteEntitySeries(entitySeries) : null;
    await tx.$executeRawUnsafe(
      RECORD_SAMPLE_SQL,
      serverId,
      at.toISOString(),
      ...ROLLUPS.map(({ seconds }) => new Date(Math.floor(at.getTime() / (seconds * 1000)) * seconds * 1000).toISOString()),
      ...METRIC_SERIES_NAMES.map((name) => finiteOrNull(sample[name])),
      series ? JSON.stringify(series) : null,
    );
    if (tx === this.prisma) this.publishCommitted(serverId, sample);
  }

  /**
   * Stores many samples in as few statements as the batch allows (one, unless a server has
   * several samples in it; then in one transaction), inside the caller's transaction if given.
   * Nothing is published: the caller publishes once committed. Same outcome as `record` for
   * each sample, one after the other.
   */
  async recordMany(samples: SampleToRecord[], tx: Prisma.TransactionClient = this.prisma): Promise<void> {
    // A rollup row can take one sample per statement: a server's later samples go in the next.
    const rounds: SampleToRecord[][] = [];
    const perServer = new Map<string, number>();
    for (const item of samples) {
      const round = perServer.get(item.serverId) ?? 0;
      perServer.set(item.serverId, round + 1);
      (rounds[round] ??= []).push(item);
    }
    if (rounds.length > 1 && tx === this.prisma) {
      await this.prisma.$transaction(async (t) => {
        for (const round of rounds) await this.recordRound(round, t);
      });
      return;
    }
    for (const round of rounds) await this.recordRound(round, tx);
  }

  private async recordRound(round: SampleToRecord[], tx: Prisma.TransactionClient): Promise<void> {
    const at = round.map(({ sample }) => {
      const time = new Date(sample.timestamp);
      if (Number.isNaN(time.getTime())) throw new InvalidInputError('timestamp must be an RFC 3339 time', 'timestamp');
      return time;
    });
    await tx.$executeRawUnsafe(
      RECORD_SAMPLES_SQL,
      round.map((s) => s.serverId),
      at.map((t) => t.toISOString()),
      ...ROLLUPS.map(({ seconds }) => at.map((t) => new Date(Math.floor(t.getTime() / (seconds * 1000)) * seconds * 1000).toISOString())),
      ...METRIC_SERIES_NAMES.map((name) => round.map(({ sample }) => finiteOrNull(sample[name]))),
      round.map(({ entitySeries }) => {
        const series = entitySeries ? finiteEntitySeries(entitySeries) : null;
        return series ? JSON.stringify(series) : null;
      }),
    );
  }

  /** Publishes a sample recorded inside a caller's transaction, once it has committed. */
  publishCommitted(serverId: string, sample: LiveMetricsData): void {
    this.bus.publish('metrics', serverId, sample);
  }

  /**
   * Recomputes the minute and hour rollups of the whole hours around [from, to) from the raw
   * samples, e.g. after samples were imported in bulk rather than recorded one by one. Buckets
   * without raw samples are left as they are.
   */
  async rebuildRollups(from: Date, to: Date, serverId?: string): Promise<void> {
    const start = new Date(Math.floor(from.getTime() / HOUR_MS) * HOUR_MS).toISOString();
    const end = new Date(Math.ceil(to.getTime() / HOUR_MS) * HOUR_MS).toISOString();
    const args = serverId ? [start, end, serverId] : [start, end];
    await this.prisma.$executeRawUnsafe(serverId ? REBUILD_SQL.minute.one : REBUILD_SQL.minute.all, ...args);
    await this.prisma.$executeRawUnsafe(serverId ? REBUILD_SQL.hour.one : REBUILD_SQL.hour.all, ...args);
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

function finiteOrNull(value: unknown): number | null {
  const n = typeof value === 'number' ? value : value === null || value === undefined ? NaN : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Only finite numbers under string keys of objects: anything else would fail the rollup math. */
function finiteEntitySeries(input: EntitySeries): EntitySeries | null {
  const clean: EntitySeries = {};
  for (const [name, entities] of Object.entries(input)) {
    if (typeof entities !== 'object' || entities === null) continue;
    const values = Object.entries(entities).filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
    if (values.length > 0) clean[name] = Object.fromEntries(values);
  }
  return Object.keys(clean).length > 0 ? clean : null;
}
