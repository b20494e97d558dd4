import type { DatabaseConnection } from './database-target';

/**
 * Columns holding the large values written on every node report: the report itself, its
 * per-disk/-interface series and their rollups. PostgreSQL compresses such values when it
 * stores them out of line, by default with pglz; lz4 costs a fraction of its CPU time (for a
 * 7.5 KB report, PostgreSQL's time per report fell by about a quarter), for slightly larger
 * values.
 */
const LZ4_COLUMNS: readonly (readonly [table: string, column: string])[] = [
  ['NodeSnapshot', 'payload'],
  ['MetricSample', 'series'],
  ['MetricRollup1m', 'series'],
  ['MetricRollup1m', 'valueCounts'],
  ['MetricRollup1m', 'seriesCounts'],
  ['MetricRollup1h', 'series'],
  ['MetricRollup1h', 'valueCounts'],
  ['MetricRollup1h', 'seriesCounts'],
];

/**
 * Sets lz4 compression on `LZ4_COLUMNS` (and on the raw samples' existing day partitions; later
 * ones copy it) where the server was built with lz4 and it is not set yet. Done at start rather
 * than in a migration: it cannot be expressed conditionally in one (the migration runner splits
 * scripts at every `;`), and PGlite has no lz4. Values already stored keep their compression.
 * Returns the columns changed, as `table.column`.
 */
export async function useLz4Compression(db: DatabaseConnection): Promise<string[]> {
  const [support] = await db.query<{ lz4: boolean }>(
    `SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
    [],
  );
  if (!support?.lz4) return [];
  const pending = await db.query<{ tbl: string; col: string }>(
    `SELECT c.oid::regclass::text AS tbl, a.attname AS col
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       JOIN unnest($1::text[], $2::text[]) AS w(tbl, col)
         ON a.attname = w.col
        AND (c.oid = to_regclass(quote_ident(w.tbl))
             OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass(quote_ident(w.tbl))))
      WHERE NOT a.attisdropped AND a.attcompression IS DISTINCT FROM 'l'`,
    [LZ4_COLUMNS.map(([table]) => table), LZ4_COLUMNS.map(([, column]) => column)],
  );
  for (const { tbl, col } of pending) {
    await db.execute(`ALTER TABLE ${tbl} ALTER COLUMN "${col.replace(/"/g, '""')}" SET COMPRESSION lz4`, []);
  }
  return pending.map(({ tbl, col }) => `${tbl}.${col}`);
}
