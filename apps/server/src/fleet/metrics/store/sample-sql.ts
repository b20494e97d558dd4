import { METRIC_SERIES, type MetricSeriesName } from '../metric-series';

/**
 * The statements that store samples and snapshots, written out (`sample-sql.spec.ts` checks
 * that each names every series column).
 *
 * Sample rows travel as one JSON parameter (`platform/database/json-rows.ts`): an array of
 * objects with the keys below, read by `json_to_recordset` as the relation `v`.
 */

/** A headline series' key in a sample row: `v_` and its column. */
export const sampleRowKey = (name: MetricSeriesName) => `v_${METRIC_SERIES[name]}`;

/** The sample rows of parameter $n as the relation `v` (one row per sample, `n` its position). */
export const sampleRowsSql = (param: string) => `v AS (
    SELECT * FROM ROWS FROM (json_to_recordset(${param}::json) AS (
      v_server uuid, v_at timestamptz,
      "v_cpuPercent" double precision, "v_memoryPercent" double precision, "v_swapPercent" double precision,
      "v_diskPercent" double precision, "v_load1" double precision, "v_load5" double precision, "v_load15" double precision,
      "v_netRxBytesPerS" double precision, "v_netTxBytesPerS" double precision,
      "v_diskReadBytesPerS" double precision, "v_diskWriteBytesPerS" double precision,
      "v_tcpCount" double precision, "v_udpCount" double precision, "v_processCount" double precision,
      "v_maxTempC" double precision, v_series jsonb
    )) WITH ORDINALITY AS v(
      v_server, v_at, "v_cpuPercent", "v_memoryPercent", "v_swapPercent", "v_diskPercent", "v_load1", "v_load5", "v_load15",
      "v_netRxBytesPerS", "v_netTxBytesPerS", "v_diskReadBytesPerS", "v_diskWriteBytesPerS",
      "v_tcpCount", "v_udpCount", "v_processCount", "v_maxTempC", v_series, n))`;

/** Inserts the rows of `v` into the raw samples; a repeated (server, time) is ignored. */
export const INSERT_RAW_SAMPLES = insertRawSamples('ON CONFLICT ("serverId", "at") DO NOTHING');

/** Inserts the rows of `v` into the raw samples, a repeated (server, time) answered by `onConflict`. */
export function insertRawSamples(onConflict: string): string {
  return `INSERT INTO "MetricSample" ("serverId", "at",
      "cpuPercent", "memoryPercent", "swapPercent", "diskPercent", "load1", "load5", "load15",
      "netRxBytesPerS", "netTxBytesPerS", "diskReadBytesPerS", "diskWriteBytesPerS",
      "tcpCount", "udpCount", "processCount", "maxTempC", "series")
    SELECT v.v_server, v.v_at,
      v."v_cpuPercent", v."v_memoryPercent", v."v_swapPercent", v."v_diskPercent", v."v_load1", v."v_load5", v."v_load15",
      v."v_netRxBytesPerS", v."v_netTxBytesPerS", v."v_diskReadBytesPerS", v."v_diskWriteBytesPerS",
      v."v_tcpCount", v."v_udpCount", v."v_processCount", v."v_maxTempC", v.v_series
      FROM v
    ${onConflict}`;
}

/** Stores samples raw ($1: the sample rows); their rollups follow once committed. */
export const INSERT_SAMPLES_SQL = `WITH ${sampleRowsSql('$1')}
  ${INSERT_RAW_SAMPLES}`;

/**
 * Node snapshots, the latest report of each node ($1: rows `{s: server, r: reported at,
 * v: received at, o: byte offset, l: byte length}`; $2: the reports' texts, one after another,
 * as one binary parameter — `TextBlob`), upserted; with the samples of $3, in one statement.
 */
export const INSERT_SNAPSHOTS_AND_SAMPLES_SQL = `WITH snapshots AS (
    INSERT INTO "NodeSnapshot" ("serverId", "reportedAt", "receivedAt", "payload")
    SELECT s, r, v, convert_from(substr($2::bytea, o, l), 'UTF8')
      FROM ROWS FROM (json_to_recordset($1::json) AS (s uuid, r timestamptz, v timestamptz, o int, l int)) WITH ORDINALITY AS u(s, r, v, o, l, n)
    ON CONFLICT ("serverId") DO UPDATE SET "reportedAt" = EXCLUDED."reportedAt", "receivedAt" = EXCLUDED."receivedAt", "payload" = EXCLUDED."payload"
  ), ${sampleRowsSql('$3')}
  ${INSERT_RAW_SAMPLES}`;

/**
 * Folds each stored sample of `v` into its bucket of one rollup table: the first sample of a
 * bucket starts its row; later ones move each average (`pharos_running_avg`, over the samples
 * that had the value: `pharos_value_count`; both in the migrations), the extremes, the counts and
 * the per-entity averages (`pharos_series_merge`/`pharos_series_count`).
 */
const foldIntoRollupSql = (table: string, seconds: number) => `INSERT INTO "${table}" AS r ("serverId", "bucket", "samples",
      "cpuPercent", "cpuPercentMin", "cpuPercentMax", "memoryPercent", "memoryPercentMin", "memoryPercentMax",
      "swapPercent", "diskPercent", "load1", "netRxBytesPerS", "netTxBytesPerS", "diskReadBytesPerS", "diskWriteBytesPerS",
      "tcpCount", "udpCount", "processCount", "maxTempC", "valueCounts", "series", "seriesCounts")
    SELECT v.v_server, date_bin(interval '${seconds} seconds', v.v_at, timestamptz '1970-01-01T00:00:00Z'), 1,
           v."v_cpuPercent", v."v_cpuPercent", v."v_cpuPercent", v."v_memoryPercent", v."v_memoryPercent", v."v_memoryPercent",
           v."v_swapPercent", v."v_diskPercent", v."v_load1",
           v."v_netRxBytesPerS", v."v_netTxBytesPerS", v."v_diskReadBytesPerS", v."v_diskWriteBytesPerS",
           v."v_tcpCount", v."v_udpCount", v."v_processCount", v."v_maxTempC",
           jsonb_build_object(
             'cpuPercent', (v."v_cpuPercent" IS NOT NULL)::int, 'memoryPercent', (v."v_memoryPercent" IS NOT NULL)::int,
             'swapPercent', (v."v_swapPercent" IS NOT NULL)::int, 'diskPercent', (v."v_diskPercent" IS NOT NULL)::int,
             'load1', (v."v_load1" IS NOT NULL)::int,
             'netRxBytesPerS', (v."v_netRxBytesPerS" IS NOT NULL)::int, 'netTxBytesPerS', (v."v_netTxBytesPerS" IS NOT NULL)::int,
             'diskReadBytesPerS', (v."v_diskReadBytesPerS" IS NOT NULL)::int, 'diskWriteBytesPerS', (v."v_diskWriteBytesPerS" IS NOT NULL)::int,
             'tcpCount', (v."v_tcpCount" IS NOT NULL)::int, 'udpCount', (v."v_udpCount" IS NOT NULL)::int,
             'processCount', (v."v_processCount" IS NOT NULL)::int, 'maxTempC', (v."v_maxTempC" IS NOT NULL)::int),
           v.v_series, pharos_series_count(NULL, v.v_series)
      FROM v JOIN inserted i ON i."serverId" = v.v_server AND i."at" = v.v_at
    ON CONFLICT ("serverId", "bucket") DO UPDATE SET
      "samples" = r."samples" + 1,
      "cpuPercent" = pharos_running_avg(r."cpuPercent", pharos_value_count(r."valueCounts", 'cpuPercent', r."samples"), EXCLUDED."cpuPercent"),
      "cpuPercentMin" = LEAST(r."cpuPercentMin", EXCLUDED."cpuPercentMin"),
      "cpuPercentMax" = GREATEST(r."cpuPercentMax", EXCLUDED."cpuPercentMax"),
      "memoryPercent" = pharos_running_avg(r."memoryPercent", pharos_value_count(r."valueCounts", 'memoryPercent', r."samples"), EXCLUDED."memoryPercent"),
      "memoryPercentMin" = LEAST(r."memoryPercentMin", EXCLUDED."memoryPercentMin"),
      "memoryPercentMax" = GREATEST(r."memoryPercentMax", EXCLUDED."memoryPercentMax"),
      "swapPercent" = pharos_running_avg(r."swapPercent", pharos_value_count(r."valueCounts", 'swapPercent', r."samples"), EXCLUDED."swapPercent"),
      "diskPercent" = pharos_running_avg(r."diskPercent", pharos_value_count(r."valueCounts", 'diskPercent', r."samples"), EXCLUDED."diskPercent"),
      "load1" = pharos_running_avg(r."load1", pharos_value_count(r."valueCounts", 'load1', r."samples"), EXCLUDED."load1"),
      "netRxBytesPerS" = pharos_running_avg(r."netRxBytesPerS", pharos_value_count(r."valueCounts", 'netRxBytesPerS', r."samples"), EXCLUDED."netRxBytesPerS"),
      "netTxBytesPerS" = pharos_running_avg(r."netTxBytesPerS", pharos_value_count(r."valueCounts", 'netTxBytesPerS', r."samples"), EXCLUDED."netTxBytesPerS"),
      "diskReadBytesPerS" = pharos_running_avg(r."diskReadBytesPerS", pharos_value_count(r."valueCounts", 'diskReadBytesPerS', r."samples"), EXCLUDED."diskReadBytesPerS"),
      "diskWriteBytesPerS" = pharos_running_avg(r."diskWriteBytesPerS", pharos_value_count(r."valueCounts", 'diskWriteBytesPerS', r."samples"), EXCLUDED."diskWriteBytesPerS"),
      "tcpCount" = pharos_running_avg(r."tcpCount", pharos_value_count(r."valueCounts", 'tcpCount', r."samples"), EXCLUDED."tcpCount"),
      "udpCount" = pharos_running_avg(r."udpCount", pharos_value_count(r."valueCounts", 'udpCount', r."samples"), EXCLUDED."udpCount"),
      "processCount" = pharos_running_avg(r."processCount", pharos_value_count(r."valueCounts", 'processCount', r."samples"), EXCLUDED."processCount"),
      "maxTempC" = pharos_running_avg(r."maxTempC", pharos_value_count(r."valueCounts", 'maxTempC', r."samples"), EXCLUDED."maxTempC"),
      "valueCounts" = (
        SELECT jsonb_object_agg(k, pharos_value_count(r."valueCounts", k, r."samples")::int + (EXCLUDED."valueCounts" ->> k)::int)
          FROM jsonb_object_keys(EXCLUDED."valueCounts") AS k),
      "series" = pharos_series_merge(r."series", r."seriesCounts", EXCLUDED."series"),
      "seriesCounts" = pharos_series_count(r."seriesCounts", EXCLUDED."series")`;

/**
 * Stores samples and folds each into its minute and hour rollups in the same statement (for
 * samples far from the present, see `DEFERRED_ROLLUP_WINDOW_MS`). $1: the sample rows, each
 * server at most once (a rollup row can take one sample per statement). Unreferenced
 * data-modifying CTEs run after the main statement: the minute rollup is the main statement,
 * so its row is locked before the hour's, the order a flush locks them in.
 */
export const INSERT_SAMPLES_WITH_ROLLUPS_SQL = `WITH ${sampleRowsSql('$1')},
    inserted AS (${INSERT_RAW_SAMPLES} RETURNING "serverId", "at"),
    hour AS (${foldIntoRollupSql('MetricRollup1h', 3600)})
  ${foldIntoRollupSql('MetricRollup1m', 60)}`;
