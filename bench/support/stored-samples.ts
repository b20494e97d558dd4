/**
 * Samples stored, raw or compacted: the raw rows plus the samples of the blocks the rollup
 * flush made of ended minutes (`MetricBlock`). Every benchmark that checks "stored = answered"
 * counts with these, since a run longer than a minute sees its first minutes compacted.
 */
export const STORED_SAMPLES_SQL = `SELECT ((SELECT count(*) FROM "MetricSample") + (SELECT coalesce(sum("samples"), 0) FROM "MetricBlock"))::text AS n`;

/** The same for the servers of $1 (uuid[]). */
export const STORED_SAMPLES_OF_SQL = `SELECT ((SELECT count(*) FROM "MetricSample" WHERE "serverId" = ANY($1::uuid[]))
    + (SELECT coalesce(sum("samples"), 0) FROM "MetricBlock" WHERE "serverId" = ANY($1::uuid[])))::text AS n`;
