import { PGlite } from '@electric-sql/pglite';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The embedded database's first start is atomic: the data directory is built (PGlite's
 * initdb or the template, then every migration) in a sibling directory, marked complete, and
 * renamed into place. Whatever interrupts it (kill -9, Ctrl-C, a power cut) leaves either no
 * data directory or a complete one, plus at most a stale build that the next start removes.
 *
 * Older Pharos versions built the directory in place, writing `PG_VERSION` first: a directory
 * without the marker is one of theirs, complete or not. It is kept when it opens and holds an
 * account (it was used); otherwise it never held anything of value, is moved aside (never
 * deleted) with a log line saying where, and built again.
 */

/** The file that says a data directory was built whole (written last, before the rename). */
export const COMPLETE_MARKER = 'pharos-complete';

export type DataDirState =
  /** Built whole by this version (marker present). */
  | 'complete'
  /** Nothing there yet (or an empty directory). */
  | 'absent'
  /** A database without the marker: an older version's, complete or interrupted. */
  | 'unmarked'
  /** Files that are no database: not ours to use, nor to delete. */
  | 'foreign';

export function dataDirState(dataDir: string): DataDirState {
  if (!existsSync(dataDir) || readdirSync(dataDir).length === 0) return 'absent';
  if (existsSync(path.join(dataDir, COMPLETE_MARKER))) return 'complete';
  return existsSync(path.join(dataDir, 'PG_VERSION')) ? 'unmarked' : 'foreign';
}

/** Where a first start builds `dataDir`: beside it (same file system, so the rename is atomic). */
export function buildDirFor(dataDir: string): string {
  return path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.creating-${process.pid}-${Date.now()}`);
}

/** Removes builds of `dataDir` an interrupted first start left (never complete, never used). */
export function removeStaleBuilds(dataDir: string): string[] {
  const parent = path.dirname(dataDir);
  if (!existsSync(parent)) return [];
  const prefix = `.${path.basename(dataDir)}.creating-`;
  const stale = readdirSync(parent).filter((name) => name.startsWith(prefix));
  for (const name of stale) rmSync(path.join(parent, name), { recursive: true, force: true });
  return stale.map((name) => path.join(parent, name));
}

/** Moves `dataDir` aside (`<dir>.broken-<time>`), keeping whatever it holds; returns where. */
export function moveAside(dataDir: string): string {
  const aside = `${dataDir}.broken-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(dataDir, aside);
  return aside;
}

/** Marks `buildDir` complete and renames it to `dataDir` (an empty directory there is replaced). */
export function moveIntoPlace(buildDir: string, dataDir: string): void {
  const marker = path.join(buildDir, COMPLETE_MARKER);
  writeFileSync(marker, `built ${new Date().toISOString()}\n`);
  syncPath(marker);
  syncPath(buildDir);
  if (existsSync(dataDir)) rmdirSync(dataDir); // empty (dataDirState 'absent'); rmdir refuses anything else
  renameSync(buildDir, dataDir);
  syncPath(path.dirname(dataDir));
}

/** Marks an older version's directory complete (see `isUsedDatabase`). */
export function adoptUnmarked(dataDir: string): void {
  writeFileSync(path.join(dataDir, COMPLETE_MARKER), `adopted ${new Date().toISOString()}\n`);
}

/**
 * True when an unmarked directory opens and holds an account: it was used, and is kept as it
 * is. False when it does not open, or holds no account (an interrupted first start: the first
 * admin is created only once the database was built).
 */
export async function isUsedDatabase(dataDir: string): Promise<boolean> {
  let pglite: PGlite | undefined;
  try {
    pglite = await PGlite.create({ dataDir });
    const users = await pglite.query<{ n: number }>(`SELECT count(*)::int AS n FROM "User"`);
    return (users.rows[0]?.n ?? 0) > 0;
  } catch {
    return false;
  } finally {
    await pglite?.close().catch(() => undefined);
  }
}

function syncPath(target: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(target, 'r');
    fsyncSync(fd);
  } catch {
    // Not every file system lets a directory be synced; the rename stays atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
