import path from 'node:path';
import { ROLLUP_STATEMENTS } from './rollup-store';
import { INSERT_SAMPLES_WITH_ROLLUPS_SQL } from './sample-sql';

/**
 * The metric statements built from the series list, written out to `queries/<name>.sql` so
 * that a change to them shows in review as SQL. `sql-files.spec.ts` fails when a file and the
 * statement differ; `npm run sql:generate` rewrites the files.
 */
export const WRITTEN_OUT_STATEMENTS: Record<string, string> = {
  'insert-samples-with-rollups': INSERT_SAMPLES_WITH_ROLLUPS_SQL,
  'rollup-minutes-of-pairs': ROLLUP_STATEMENTS.minutePairs,
  'rollup-hours-of-pairs': ROLLUP_STATEMENTS.hourPairs,
  'rollup-minutes-in-range': ROLLUP_STATEMENTS.minuteRange,
  'rollup-hours-in-range': ROLLUP_STATEMENTS.hourRange,
  'rollup-minutes-of-server': ROLLUP_STATEMENTS.minuteServer,
  'rollup-hours-of-server': ROLLUP_STATEMENTS.hourServer,
};

export const QUERIES_DIR = path.join(__dirname, 'queries');

/** A statement's file as written: a line saying where it comes from, then the statement. */
export function writtenOut(name: string, sql: string): string {
  return `-- ${name}: generated from apps/server/src/fleet/metrics/store (npm run sql:generate); do not edit.\n${sql}\n`;
}
