// Writes out the statements Pharos builds from lists (npm run sql:generate), for review as SQL.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { QUERIES_DIR, WRITTEN_OUT_STATEMENTS, writtenOut } from '../apps/server/src/fleet/metrics/store/written-out-statements';

mkdirSync(QUERIES_DIR, { recursive: true });
for (const [name, sql] of Object.entries(WRITTEN_OUT_STATEMENTS)) {
  writeFileSync(path.join(QUERIES_DIR, `${name}.sql`), writtenOut(name, sql));
  console.log(`wrote ${path.relative(process.cwd(), path.join(QUERIES_DIR, `${name}.sql`))}`);
}
