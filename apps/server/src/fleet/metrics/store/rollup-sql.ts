import { METRIC_SERIES, METRIC_SERIES_NAMES, RAW_ONLY_SERIES, SERIES_WITH_MAX } from '../metric-series';

/** The rollup tables, finest first: each is rebuilt from the one before (the first from raw samples). */
export const ROLLUPS = [
  { table: 'MetricRollup1m', seconds: 60 },
  { table: 'MetricRollup1h', seconds: 3600 },
] as const;

export type Rollup = (typeof ROLLUPS)[number];

/** Series the rollups keep (all but the raw-only ones). */
export const ROLLUP_SERIES = METRIC_SERIES_NAMES.filter((n) => !RAW_ONLY_SERIES.includes(n));

/** A rollup row's count of samples that had this column's value (older rows: all samples). */
export const valueCount = (row: string, column: string) => `coalesce((${row}."valueCounts" ->> '${column}')::double precision, ${row}."samples")`;

/** The start of the rollup bucket holding `at`, in ms. */
export function bucketStart(at: number, seconds: number): number {
  return Math.floor(at / (seconds * 1000)) * seconds * 1000;
}

/**
 * Which buckets a rebuild recomputes: every bucket in [$1, $2) (`range`), those of one server in
 * [$1, $2) (`server`, $3), or the listed (server, bucket) pairs (`pairs`: $1 server ids, $2
 * bucket starts).
 */
export type RebuildScope = 'range' | 'server' | 'pairs';

/**
 * Recomputes a rollup table's buckets from the raw samples or from the minute rollups, each
 * average weighed by the samples that had it, and writes them over what was there.
 */
export function rebuildRollupSql(target: Rollup, source: 'raw' | '1m', scope: RebuildScope): string {
  const from = source === 'raw' ? '"MetricSample"' : '"MetricRollup1m"';
  const time = source === 'raw' ? '"at"' : '"bucket"';
  const bucket = `date_bin(interval '${target.seconds} seconds', s.${time}, timestamptz '1970-01-01T00:00:00Z')`;
  // The source rows, read once for the headline and the per-entity values. Pairs: each its own
  // index range scan (`OFFSET 0` keeps the planner from joining the whole table instead: on a
  // day partition it chose a sequential scan of every sample of the day, for every step).
  const rows =
    scope === 'pairs'
      ? `unnest($1::uuid[], $2::timestamptz[]) AS d(sid, b) CROSS JOIN LATERAL (
           SELECT * FROM ${from} r WHERE r."serverId" = d.sid AND r.${time} >= d.b AND r.${time} < d.b + interval '${target.seconds} seconds' OFFSET 0) s`
      : `${from} s WHERE s.${time} >= $1::timestamptz AND s.${time} < $2::timestamptz${scope === 'server' ? ' AND s."serverId" = $3::uuid' : ''}`;
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
  // Entity values as text (`jsonb_each_text`): a jsonb number becomes a double through its text
  // anyway, and read as text it skips the jsonb value made for each (~5 % of a flush step).
  return `WITH src AS MATERIALIZED (SELECT s.* FROM ${rows}), base AS (
      SELECT s."serverId" AS sid, ${bucket} AS bucket, ${source === 'raw' ? 'count(*)' : 'sum(s."samples")'}::int AS samples,
             ${selects.map((sql, i) => `${sql} AS ${columns[i]}`).join(',\n             ')}
        FROM src s GROUP BY 1, 2
    ), per_entity AS (
      SELECT s."serverId" AS sid, ${bucket} AS bucket, m.key AS metric, e.key AS entity,
             sum(e.value::double precision * ${entityWeight}) / sum(${entityWeight}) AS value, sum(${entityWeight})::int AS n
        FROM src s CROSS JOIN LATERAL jsonb_each(s."series") m CROSS JOIN LATERAL jsonb_each_text(m.value) e
       GROUP BY 1, 2, 3, 4
    ), per_metric AS (
      SELECT sid, bucket, metric, jsonb_object_agg(entity, value) AS entities, jsonb_object_agg(entity, n) AS counts
        FROM per_entity GROUP BY 1, 2, 3
    ), series AS (
      SELECT sid, bucket, jsonb_object_agg(metric, entities) AS series, jsonb_object_agg(metric, counts) AS counts
        FROM per_metric GROUP BY 1, 2
    )
    INSERT INTO "${target.table}" ("serverId", "bucket", "samples", ${columns.join(', ')}, "series", "seriesCounts")
    SELECT base.sid, base.bucket, base.samples, ${columns.map((c) => `base.${c}`).join(', ')}, series.series, series.counts
      FROM base LEFT JOIN series USING (sid, bucket)
    ON CONFLICT ("serverId", "bucket") DO UPDATE SET "samples" = EXCLUDED."samples",
      ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(',\n      ')},
      "series" = EXCLUDED."series", "seriesCounts" = EXCLUDED."seriesCounts"`;
}
