import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectPrismaLayout } from './migrations/migrations';

/**
 * A fresh embedded database costs PGlite's initdb plus every migration through the Wasm schema
 * engine: several seconds. Both give the same result on every installation of a given Pharos,
 * so the first fresh start keeps the migrated, still empty database as a template (PGlite's
 * `dumpDataDir`), and later fresh data directories are loaded from it (`loadDataDir`), about
 * a second. The template is keyed by PGlite's version and the migrations' content; it holds
 * no data (it is taken before the first admin, secrets or anything else are created).
 */

const PGLITE_VERSION = (() => {
  try {
    return (JSON.parse(readFileSync(require.resolve('@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

/** Where templates are kept: the project's `node_modules/.cache/pharos`, else the temp directory. */
function cacheDir(): string {
  try {
    const root = path.dirname(path.dirname(projectPrismaLayout().schemaPath));
    if (existsSync(path.join(root, 'node_modules'))) return path.join(root, 'node_modules', '.cache', 'pharos');
  } catch {
    // no project layout found: use the temp directory
  }
  return path.join(os.tmpdir(), 'pharos-cache');
}

/** The template file for the current migrations and PGlite version. */
export function pgliteTemplateFile(): string | null {
  try {
    const { migrationsDir } = projectPrismaLayout();
    const hash = createHash('sha256').update(PGLITE_VERSION);
    for (const name of readdirSync(migrationsDir).sort()) {
      const file = path.join(migrationsDir, name, 'migration.sql');
      if (existsSync(file)) hash.update(name).update(readFileSync(file));
    }
    return path.join(cacheDir(), `pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
  } catch {
    return null;
  }
}

/** The template to load a fresh data directory from, when one was kept. */
export function readPgliteTemplate(file: string | null): Blob | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    return undefined;
  }
}

/** Keeps the freshly migrated database as the template (written whole, then renamed into place). */
export async function savePgliteTemplate(pglite: PGlite, file: string): Promise<void> {
  const dump = await pglite.dumpDataDir('none');
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, file);
}
