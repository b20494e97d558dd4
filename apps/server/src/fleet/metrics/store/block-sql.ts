import { insertRawSamples, sampleRowsSql } from './sample-sql';

/**
 * The statements of the compacted history (`MetricBlock`, one row per server and minute:
 * `blocks/block-codec.ts`), written out. A minute is compacted in the transaction that rolls
 * it up: its raw samples are taken (deleted, returned) and one block row is put in their place;
 * to roll up a minute again (a late sample), its block is taken and its samples restored first.
 */

/** `pg_advisory_xact_lock`'s first key for the compaction of a server's minutes ("PHMB"). */
const BLOCKS_LOCK = 0x5048_4d42;

/**
 * Starts a compaction step: takes the compaction lock of each server of $1 (text ids, sorted:
 * two steps lock in one order) until the transaction ends — a chart's flush and the periodic
 * one never compact or restore the same server's minutes at once — and has the step's
 * statements read pair by pair through the key indexes. Their source is a list of (server,
 * minute) pairs; on day partitions not analyzed yet (a bulk import) the planner chose to scan
 * every partition whole once per pair instead, past the statement timeout.
 */
export const START_STEP_SQL = `SELECT set_config('enable_seqscan', 'off', true) AS seqscan, set_config('enable_hashjoin', 'off', true) AS hashjoin,
    set_config('enable_mergejoin', 'off', true) AS mergejoin,
    (SELECT count(pg_advisory_xact_lock(${BLOCKS_LOCK}, hashtext(s)))::int FROM unnest($1::text[]) AS s) AS locked`;

/**
 * A step deletes raw samples after reading them: it locks the samples for writing first, as a
 * write of samples does, so a day partition being made (`PartitionStore.createDayPartition`,
 * which locks them against writes, then attaches the day) waits for the step to end instead of
 * taking the table between its read and its delete (a deadlock: the attach waited for the
 * step's read, the step's delete for the attach's lock).
 */
export const LOCK_SAMPLES_FOR_WRITE_SQL = `LOCK TABLE "MetricSample" IN ROW EXCLUSIVE MODE`;

/**
 * Deletes and returns the blocks of the (server $1, minute $2) pairs that have one. The bounds
 * of all the minutes, said once more, keep the planner on the key index, pair by pair, rather
 * than a hash join over the whole table (as it chose without them).
 */
export const TAKE_BLOCKS_SQL = `DELETE FROM "MetricBlock" b USING unnest($1::uuid[], $2::timestamptz[]) AS d(sid, m)
   WHERE b."serverId" = d.sid AND b."minute" = d.m
     AND b."minute" >= (SELECT min(x) FROM unnest($2::timestamptz[]) AS x) AND b."minute" <= (SELECT max(x) FROM unnest($2::timestamptz[]) AS x)
  RETURNING b."serverId"::text AS "serverId", b."data"`;

/**
 * Deletes and returns the raw samples of the (server $1, minute start $2) pairs, each value as
 * its exact text (a float8's shortest text reads back as the same double; NaN and ±Infinity
 * by name), the time in ms and the series as jsonb prints it. The bounds of all the minutes,
 * said once more, keep the planner on each day partition's key index, pair by pair (without
 * them it scanned every partition whole), and prune the days outside them.
 */
export const TAKE_SAMPLES_SQL = `DELETE FROM "MetricSample" s USING unnest($1::uuid[], $2::timestamptz[]) AS d(sid, b)
   WHERE s."serverId" = d.sid AND s."at" >= d.b AND s."at" < d.b + interval '60 seconds'
     AND s."at" >= (SELECT min(x) FROM unnest($2::timestamptz[]) AS x) AND s."at" < (SELECT max(x) FROM unnest($2::timestamptz[]) AS x) + interval '60 seconds'
  RETURNING s."serverId"::text AS "serverId", (extract(epoch FROM s."at") * 1000)::float8 AS "at",
    s."cpuPercent"::text AS "cpuPercent", s."memoryPercent"::text AS "memoryPercent", s."swapPercent"::text AS "swapPercent",
    s."diskPercent"::text AS "diskPercent", s."load1"::text AS "load1", s."load5"::text AS "load5", s."load15"::text AS "load15",
    s."netRxBytesPerS"::text AS "netRxBytesPerS", s."netTxBytesPerS"::text AS "netTxBytesPerS",
    s."diskReadBytesPerS"::text AS "diskReadBytesPerS", s."diskWriteBytesPerS"::text AS "diskWriteBytesPerS",
    s."tcpCount"::text AS "tcpCount", s."udpCount"::text AS "udpCount", s."processCount"::text AS "processCount",
    s."maxTempC"::text AS "maxTempC", s."series"::text AS "series"`;

/**
 * Puts restored samples back as raw rows ($1: sample rows, `sampleRowsSql`, each value as its
 * exact text). A sample of the same time that came late, while its minute was a block, gives
 * way to the one of the block: the first one stored is kept, as for a repeated time.
 */
export const RESTORE_SAMPLES_SQL = `WITH ${sampleRowsSql('$1')}
  ${insertRawSamples(`ON CONFLICT ("serverId", "at") DO UPDATE SET
      "cpuPercent" = EXCLUDED."cpuPercent", "memoryPercent" = EXCLUDED."memoryPercent", "swapPercent" = EXCLUDED."swapPercent",
      "diskPercent" = EXCLUDED."diskPercent", "load1" = EXCLUDED."load1", "load5" = EXCLUDED."load5", "load15" = EXCLUDED."load15",
      "netRxBytesPerS" = EXCLUDED."netRxBytesPerS", "netTxBytesPerS" = EXCLUDED."netTxBytesPerS",
      "diskReadBytesPerS" = EXCLUDED."diskReadBytesPerS", "diskWriteBytesPerS" = EXCLUDED."diskWriteBytesPerS",
      "tcpCount" = EXCLUDED."tcpCount", "udpCount" = EXCLUDED."udpCount", "processCount" = EXCLUDED."processCount",
      "maxTempC" = EXCLUDED."maxTempC", "series" = EXCLUDED."series"`)}`;

/**
 * Stores blocks: $1 rows `{s: server, m: minute, n: samples, o: byte offset, l: byte length}`,
 * $2 the blocks one after another as one binary parameter, $3 their format version.
 */
export const PUT_BLOCKS_SQL = `INSERT INTO "MetricBlock" ("serverId", "minute", "samples", "version", "data")
  SELECT s, m, n, $3::smallint, substr($2::bytea, o, l)
    FROM json_to_recordset($1::json) AS (s uuid, m timestamptz, n int, o int, l int)`;

/** The blocks of server $1 whose minute overlaps [$2, $3), oldest first. */
export const BLOCKS_OF_SERVER_SQL = `SELECT (extract(epoch FROM "minute") * 1000)::float8 AS "minute", "data" FROM "MetricBlock"
   WHERE "serverId" = $1::uuid AND "minute" > $2::timestamptz - interval '60 seconds' AND "minute" < $3::timestamptz
   ORDER BY "minute"`;

/** The blocks of the servers $1 whose minute overlaps [$2, $3). */
export const BLOCKS_OF_SERVERS_SQL = `SELECT "serverId"::text AS "serverId", (extract(epoch FROM "minute") * 1000)::float8 AS "minute", "data" FROM "MetricBlock"
   WHERE "serverId" = ANY($1::uuid[]) AND "minute" > $2::timestamptz - interval '60 seconds' AND "minute" < $3::timestamptz
   ORDER BY "serverId", "minute"`;

/**
 * The (server, minute) pairs in [$1, $2) with raw samples or a block (of server $3 only, if
 * not null): what a rebuild rolls up again.
 */
export const MINUTES_IN_RANGE_SQL = `SELECT "serverId"::text AS "serverId", (extract(epoch FROM m) * 1000)::float8 AS "minute", sum(n)::int AS "samples" FROM (
    SELECT "serverId", date_bin(interval '60 seconds', "at", timestamptz '1970-01-01T00:00:00Z') AS m, count(*) AS n FROM "MetricSample"
     WHERE "at" >= $1::timestamptz AND "at" < $2::timestamptz AND ($3::uuid IS NULL OR "serverId" = $3::uuid) GROUP BY 1, 2
    UNION ALL
    SELECT "serverId", "minute", "samples" FROM "MetricBlock"
     WHERE "minute" >= $1::timestamptz AND "minute" < $2::timestamptz AND ($3::uuid IS NULL OR "serverId" = $3::uuid)
  ) x GROUP BY 1, 2 ORDER BY 1, 2`;

/**
 * Up to $2 (server, minute) pairs of raw samples taken before $1: late ones (back-filled
 * history, a wrong clock, Lightd usage) and any a flush left, for the sweep to compact.
 */
export const RAW_MINUTES_BEFORE_SQL = `SELECT "serverId"::text AS "serverId", (extract(epoch FROM m) * 1000)::float8 AS "minute", count(*)::int AS "samples" FROM (
    SELECT "serverId", date_bin(interval '60 seconds', "at", timestamptz '1970-01-01T00:00:00Z') AS m FROM "MetricSample" WHERE "at" < $1::timestamptz
  ) x GROUP BY 1, 2 ORDER BY 1, 2 LIMIT $2`;

/** At most $2 blocks of minutes before $1; returns how many went. */
export const DELETE_BLOCKS_BEFORE_SQL = `DELETE FROM "MetricBlock" WHERE ("serverId", "minute") IN (
    SELECT "serverId", "minute" FROM "MetricBlock" WHERE "minute" < $1::timestamptz ORDER BY "minute" LIMIT $2)`;
