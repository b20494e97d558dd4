/**
 * The rollups' statements, written out. A rollup row of a bucket holds, per headline series,
 * the average of the values under it weighed by how many samples had each value
 * (`valueCounts`; older rows without counts weigh by `samples`), the lowest and highest value
 * where charts draw a band (`SERIES_WITH_BAND`; an hour built from minutes that predate them
 * takes those minutes' averages), and per-entity averages with their own counts (`series`,
 * `seriesCounts`).
 *
 * A row is always recomputed from what is under it (raw samples for minutes, minutes for
 * hours) and written over what was there, so rebuilding it twice gives the same row. Each
 * statement reads its source rows once (`src`), for the headline and the per-entity values.
 * The series columns are the rollup columns of `METRIC_SERIES` (load5/load15 are raw only);
 * `rollup-sql.spec.ts` checks that every statement names each of them.
 */

/** The rollup tables, finest first: each is rebuilt from the one before (the first from raw samples). */
export const ROLLUPS = [
  { table: 'MetricRollup1m', seconds: 60 },
  { table: 'MetricRollup1h', seconds: 3600 },
] as const;

/** The start of the rollup bucket holding `at`, in ms. */
export function bucketStart(at: number, seconds: number): number {
  return Math.floor(at / (seconds * 1000)) * seconds * 1000;
}

/**
 * The source rows of listed (server, bucket) pairs ($1 server ids, $2 bucket starts), each pair
 * its own index range scan: `OFFSET 0` keeps the planner from joining the whole table instead
 * (on a day partition it chose a sequential scan of every sample of the day, for every step).
 */
const pairs = (table: string, time: string, seconds: number) => `unnest($1::uuid[], $2::timestamptz[]) AS d(sid, b) CROSS JOIN LATERAL (
      SELECT * FROM "${table}" r WHERE r."serverId" = d.sid AND r."${time}" >= d.b AND r."${time}" < d.b + interval '${seconds} seconds' OFFSET 0) s`;

/** Which raw samples a minute rebuild reads. */
export const RAW_SAMPLES = {
  pairs: pairs('MetricSample', 'at', 60),
};

/** Which minute rollups an hour rebuild reads. */
export const MINUTE_ROLLUPS = {
  pairs: pairs('MetricRollup1m', 'bucket', 3600),
};

/**
 * Per-entity averages and counts of the source rows, per (server, bucket): `weight` is what one
 * source row's value counts for, `time` its time column, `seconds` the bucket width.
 */
const entitySeries = (weight: string, time: string, seconds: number) => `per_entity AS (
    SELECT s."serverId" AS sid, date_bin(interval '${seconds} seconds', s."${time}", timestamptz '1970-01-01T00:00:00Z') AS bucket,
           m.key AS metric, e.key AS entity,
           sum(e.value::double precision * ${weight}) / sum(${weight}) AS value, sum(${weight})::int AS n
      FROM src s CROSS JOIN LATERAL jsonb_each(s."series") m CROSS JOIN LATERAL jsonb_each_text(m.value) e
     GROUP BY 1, 2, 3, 4
  ), per_metric AS (
    SELECT sid, bucket, metric, jsonb_object_agg(entity, value) AS entities, jsonb_object_agg(entity, n) AS counts
      FROM per_entity GROUP BY 1, 2, 3
  ), series AS (
    SELECT sid, bucket, jsonb_object_agg(metric, entities) AS series, jsonb_object_agg(metric, counts) AS counts
      FROM per_metric GROUP BY 1, 2
  )`;

/** Writes each bucket of `base` (with its entity `series`) over the table's row. */
const writeRollups = (table: string) => `INSERT INTO "${table}" ("serverId", "bucket", "samples",
      "cpuPercent", "cpuPercentMin", "cpuPercentMax", "memoryPercent", "memoryPercentMin", "memoryPercentMax",
      "swapPercent", "diskPercent", "load1", "netRxBytesPerS", "netTxBytesPerS", "diskReadBytesPerS", "diskWriteBytesPerS",
      "tcpCount", "udpCount", "processCount", "maxTempC", "valueCounts", "series", "seriesCounts")
  SELECT base.sid, base.bucket, base.samples,
         base."cpuPercent", base."cpuPercentMin", base."cpuPercentMax", base."memoryPercent", base."memoryPercentMin", base."memoryPercentMax",
         base."swapPercent", base."diskPercent", base."load1",
         base."netRxBytesPerS", base."netTxBytesPerS", base."diskReadBytesPerS", base."diskWriteBytesPerS",
         base."tcpCount", base."udpCount", base."processCount", base."maxTempC", base."valueCounts", series.series, series.counts
    FROM base LEFT JOIN series USING (sid, bucket)
  ON CONFLICT ("serverId", "bucket") DO UPDATE SET
    "samples" = EXCLUDED."samples",
    "cpuPercent" = EXCLUDED."cpuPercent", "cpuPercentMin" = EXCLUDED."cpuPercentMin", "cpuPercentMax" = EXCLUDED."cpuPercentMax",
    "memoryPercent" = EXCLUDED."memoryPercent", "memoryPercentMin" = EXCLUDED."memoryPercentMin", "memoryPercentMax" = EXCLUDED."memoryPercentMax",
    "swapPercent" = EXCLUDED."swapPercent", "diskPercent" = EXCLUDED."diskPercent", "load1" = EXCLUDED."load1",
    "netRxBytesPerS" = EXCLUDED."netRxBytesPerS", "netTxBytesPerS" = EXCLUDED."netTxBytesPerS",
    "diskReadBytesPerS" = EXCLUDED."diskReadBytesPerS", "diskWriteBytesPerS" = EXCLUDED."diskWriteBytesPerS",
    "tcpCount" = EXCLUDED."tcpCount", "udpCount" = EXCLUDED."udpCount", "processCount" = EXCLUDED."processCount",
    "maxTempC" = EXCLUDED."maxTempC",
    "valueCounts" = EXCLUDED."valueCounts", "series" = EXCLUDED."series", "seriesCounts" = EXCLUDED."seriesCounts"`;

/**
 * The minute rollups of the raw samples `rows` (one of `RAW_SAMPLES`): plain averages of the
 * values present (`avg` skips nulls; counts average as fractions), extremes, and how many
 * samples had each value.
 */
export const rollupMinutesSql = (rows: string) => `WITH src AS MATERIALIZED (SELECT s.* FROM ${rows}), base AS (
    SELECT s."serverId" AS sid, date_bin(interval '60 seconds', s."at", timestamptz '1970-01-01T00:00:00Z') AS bucket, count(*)::int AS samples,
           avg(s."cpuPercent") AS "cpuPercent", min(s."cpuPercent") AS "cpuPercentMin", max(s."cpuPercent") AS "cpuPercentMax",
           avg(s."memoryPercent") AS "memoryPercent", min(s."memoryPercent") AS "memoryPercentMin", max(s."memoryPercent") AS "memoryPercentMax",
           avg(s."swapPercent") AS "swapPercent",
           avg(s."diskPercent") AS "diskPercent",
           avg(s."load1") AS "load1",
           avg(s."netRxBytesPerS") AS "netRxBytesPerS",
           avg(s."netTxBytesPerS") AS "netTxBytesPerS",
           avg(s."diskReadBytesPerS") AS "diskReadBytesPerS",
           avg(s."diskWriteBytesPerS") AS "diskWriteBytesPerS",
           avg(s."tcpCount"::double precision) AS "tcpCount",
           avg(s."udpCount"::double precision) AS "udpCount",
           avg(s."processCount"::double precision) AS "processCount",
           avg(s."maxTempC") AS "maxTempC",
           jsonb_build_object(
             'cpuPercent', count(s."cpuPercent"), 'memoryPercent', count(s."memoryPercent"), 'swapPercent', count(s."swapPercent"),
             'diskPercent', count(s."diskPercent"), 'load1', count(s."load1"),
             'netRxBytesPerS', count(s."netRxBytesPerS"), 'netTxBytesPerS', count(s."netTxBytesPerS"),
             'diskReadBytesPerS', count(s."diskReadBytesPerS"), 'diskWriteBytesPerS', count(s."diskWriteBytesPerS"),
             'tcpCount', count(s."tcpCount"), 'udpCount', count(s."udpCount"), 'processCount', count(s."processCount"),
             'maxTempC', count(s."maxTempC")) AS "valueCounts"
      FROM src s GROUP BY 1, 2
  ), ${entitySeries('1', 'at', 60)}
  ${writeRollups('MetricRollup1m')}`;

/**
 * The hour rollups of the minute rollups `rows` (one of `MINUTE_ROLLUPS`): each minute's average
 * weighed by how many samples had it (`w_…`, from its `valueCounts`: `pharos_value_count`, in the
 * migrations), the extremes of the minutes' extremes, and the summed counts.
 */
export const rollupHoursSql = (rows: string) => `WITH src AS MATERIALIZED (
    SELECT s.*,
           pharos_value_count(s."valueCounts", 'cpuPercent', s."samples") AS "w_cpuPercent",
           pharos_value_count(s."valueCounts", 'memoryPercent', s."samples") AS "w_memoryPercent",
           pharos_value_count(s."valueCounts", 'swapPercent', s."samples") AS "w_swapPercent",
           pharos_value_count(s."valueCounts", 'diskPercent', s."samples") AS "w_diskPercent",
           pharos_value_count(s."valueCounts", 'load1', s."samples") AS "w_load1",
           pharos_value_count(s."valueCounts", 'netRxBytesPerS', s."samples") AS "w_netRxBytesPerS",
           pharos_value_count(s."valueCounts", 'netTxBytesPerS', s."samples") AS "w_netTxBytesPerS",
           pharos_value_count(s."valueCounts", 'diskReadBytesPerS', s."samples") AS "w_diskReadBytesPerS",
           pharos_value_count(s."valueCounts", 'diskWriteBytesPerS', s."samples") AS "w_diskWriteBytesPerS",
           pharos_value_count(s."valueCounts", 'tcpCount', s."samples") AS "w_tcpCount",
           pharos_value_count(s."valueCounts", 'udpCount', s."samples") AS "w_udpCount",
           pharos_value_count(s."valueCounts", 'processCount', s."samples") AS "w_processCount",
           pharos_value_count(s."valueCounts", 'maxTempC', s."samples") AS "w_maxTempC"
      FROM ${rows}
  ), base AS (
    SELECT s."serverId" AS sid, date_bin(interval '3600 seconds', s."bucket", timestamptz '1970-01-01T00:00:00Z') AS bucket, sum(s."samples")::int AS samples,
           sum(s."cpuPercent" * s."w_cpuPercent") / nullif(sum(s."w_cpuPercent") FILTER (WHERE s."cpuPercent" IS NOT NULL), 0) AS "cpuPercent",
           min(coalesce(s."cpuPercentMin", s."cpuPercent")) AS "cpuPercentMin",
           max(coalesce(s."cpuPercentMax", s."cpuPercent")) AS "cpuPercentMax",
           sum(s."memoryPercent" * s."w_memoryPercent") / nullif(sum(s."w_memoryPercent") FILTER (WHERE s."memoryPercent" IS NOT NULL), 0) AS "memoryPercent",
           min(coalesce(s."memoryPercentMin", s."memoryPercent")) AS "memoryPercentMin",
           max(coalesce(s."memoryPercentMax", s."memoryPercent")) AS "memoryPercentMax",
           sum(s."swapPercent" * s."w_swapPercent") / nullif(sum(s."w_swapPercent") FILTER (WHERE s."swapPercent" IS NOT NULL), 0) AS "swapPercent",
           sum(s."diskPercent" * s."w_diskPercent") / nullif(sum(s."w_diskPercent") FILTER (WHERE s."diskPercent" IS NOT NULL), 0) AS "diskPercent",
           sum(s."load1" * s."w_load1") / nullif(sum(s."w_load1") FILTER (WHERE s."load1" IS NOT NULL), 0) AS "load1",
           sum(s."netRxBytesPerS" * s."w_netRxBytesPerS") / nullif(sum(s."w_netRxBytesPerS") FILTER (WHERE s."netRxBytesPerS" IS NOT NULL), 0) AS "netRxBytesPerS",
           sum(s."netTxBytesPerS" * s."w_netTxBytesPerS") / nullif(sum(s."w_netTxBytesPerS") FILTER (WHERE s."netTxBytesPerS" IS NOT NULL), 0) AS "netTxBytesPerS",
           sum(s."diskReadBytesPerS" * s."w_diskReadBytesPerS") / nullif(sum(s."w_diskReadBytesPerS") FILTER (WHERE s."diskReadBytesPerS" IS NOT NULL), 0) AS "diskReadBytesPerS",
           sum(s."diskWriteBytesPerS" * s."w_diskWriteBytesPerS") / nullif(sum(s."w_diskWriteBytesPerS") FILTER (WHERE s."diskWriteBytesPerS" IS NOT NULL), 0) AS "diskWriteBytesPerS",
           sum(s."tcpCount" * s."w_tcpCount") / nullif(sum(s."w_tcpCount") FILTER (WHERE s."tcpCount" IS NOT NULL), 0) AS "tcpCount",
           sum(s."udpCount" * s."w_udpCount") / nullif(sum(s."w_udpCount") FILTER (WHERE s."udpCount" IS NOT NULL), 0) AS "udpCount",
           sum(s."processCount" * s."w_processCount") / nullif(sum(s."w_processCount") FILTER (WHERE s."processCount" IS NOT NULL), 0) AS "processCount",
           sum(s."maxTempC" * s."w_maxTempC") / nullif(sum(s."w_maxTempC") FILTER (WHERE s."maxTempC" IS NOT NULL), 0) AS "maxTempC",
           jsonb_build_object(
             'cpuPercent', coalesce(sum(s."w_cpuPercent") FILTER (WHERE s."cpuPercent" IS NOT NULL), 0)::int,
             'memoryPercent', coalesce(sum(s."w_memoryPercent") FILTER (WHERE s."memoryPercent" IS NOT NULL), 0)::int,
             'swapPercent', coalesce(sum(s."w_swapPercent") FILTER (WHERE s."swapPercent" IS NOT NULL), 0)::int,
             'diskPercent', coalesce(sum(s."w_diskPercent") FILTER (WHERE s."diskPercent" IS NOT NULL), 0)::int,
             'load1', coalesce(sum(s."w_load1") FILTER (WHERE s."load1" IS NOT NULL), 0)::int,
             'netRxBytesPerS', coalesce(sum(s."w_netRxBytesPerS") FILTER (WHERE s."netRxBytesPerS" IS NOT NULL), 0)::int,
             'netTxBytesPerS', coalesce(sum(s."w_netTxBytesPerS") FILTER (WHERE s."netTxBytesPerS" IS NOT NULL), 0)::int,
             'diskReadBytesPerS', coalesce(sum(s."w_diskReadBytesPerS") FILTER (WHERE s."diskReadBytesPerS" IS NOT NULL), 0)::int,
             'diskWriteBytesPerS', coalesce(sum(s."w_diskWriteBytesPerS") FILTER (WHERE s."diskWriteBytesPerS" IS NOT NULL), 0)::int,
             'tcpCount', coalesce(sum(s."w_tcpCount") FILTER (WHERE s."tcpCount" IS NOT NULL), 0)::int,
             'udpCount', coalesce(sum(s."w_udpCount") FILTER (WHERE s."udpCount" IS NOT NULL), 0)::int,
             'processCount', coalesce(sum(s."w_processCount") FILTER (WHERE s."processCount" IS NOT NULL), 0)::int,
             'maxTempC', coalesce(sum(s."w_maxTempC") FILTER (WHERE s."maxTempC" IS NOT NULL), 0)::int) AS "valueCounts"
      FROM src s GROUP BY 1, 2
  ), ${entitySeries(`coalesce((s."seriesCounts" -> m.key ->> e.key)::double precision, s."samples")`, 'bucket', 3600)}
  ${writeRollups('MetricRollup1h')}`;
