import { METRIC_SERIES, type MetricSeriesName, SERIES_WITH_MAX } from '../metric-series';
import { ROLLUP_SERIES, ROLLUPS, valueCount } from './rollup-sql';

/**
 * The statements that store samples and snapshots. The fixed ones are written out whole; the
 * one built from the series list is written out to `queries/` too (`sql-files.spec.ts`).
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
export const INSERT_RAW_SAMPLES = `INSERT INTO "MetricSample" ("serverId", "at",
      "cpuPercent", "memoryPercent", "swapPercent", "diskPercent", "load1", "load5", "load15",
      "netRxBytesPerS", "netTxBytesPerS", "diskReadBytesPerS", "diskWriteBytesPerS",
      "tcpCount", "udpCount", "processCount", "maxTempC", "series")
    SELECT v.v_server, v.v_at,
      v."v_cpuPercent", v."v_memoryPercent", v."v_swapPercent", v."v_diskPercent", v."v_load1", v."v_load5", v."v_load15",
      v."v_netRxBytesPerS", v."v_netTxBytesPerS", v."v_diskReadBytesPerS", v."v_diskWriteBytesPerS",
      v."v_tcpCount", v."v_udpCount", v."v_processCount", v."v_maxTempC", v.v_series
      FROM v
    ON CONFLICT ("serverId", "at") DO NOTHING`;

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
 * Stores samples and folds each into its minute and hour rollups in the same statement (for
 * samples far from the present, see `DEFERRED_ROLLUP_WINDOW_MS`). $1: the sample rows, each
 * server at most once (a rollup row can take one sample per statement). Built from the series
 * list; written out in `queries/insert-samples-with-rollups.sql`.
 */
export const INSERT_SAMPLES_WITH_ROLLUPS_SQL = insertSamplesWithRollupsSql();

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
      SELECT v.v_server, ${bucket}, 1,
        ${values.join(',\n        ')}
        FROM v JOIN inserted i ON i."serverId" = v.v_server AND i."at" = v.v_at
      ON CONFLICT ("serverId", "bucket") DO UPDATE SET
        ${updates.join(',\n        ')}`;
  };
  // Unreferenced data-modifying CTEs run after the main statement: the finest rollup is the main
  // statement, so its row is locked before the coarser ones, the order a flush locks them in.
  const [last, ...leading] = ROLLUPS.map(({ table, seconds }) => rollup(table, seconds));
  return `WITH ${sampleRowsSql('$1')},
    inserted AS (${INSERT_RAW_SAMPLES} RETURNING "serverId", "at")${leading.map((sql, i) => `, rollup${i} AS (${sql})`).join('')}
    ${last}`;
}
