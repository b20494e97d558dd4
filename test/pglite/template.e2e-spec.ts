import { applyPendingMigrations, openDatabase, pgliteTemplateFile } from '@pharos/database';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('fresh embedded databases start from a migrated template', () => {
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pharos-template-'));
    dirs.push(dir);
    return path.join(dir, 'pglite');
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('keeps the migrated, empty database after the first fresh start and loads the next fresh directory from it', async () => {
    const file = pgliteTemplateFile()!;
    expect(file).toMatch(/pglite-template-[0-9a-f]{16}\.tar$/);
    rmSync(file, { force: true });

    const first = await openDatabase({ kind: 'pglite', dataDir: freshDir() });
    try {
      expect((await applyPendingMigrations(first)).length).toBeGreaterThan(0);
      await first.afterMigrations?.();
      expect(existsSync(file)).toBe(true);
    } finally {
      await first.close();
    }

    // Loaded from the template: already migrated, and nothing of the first database's data.
    const second = await openDatabase({ kind: 'pglite', dataDir: freshDir() });
    try {
      expect(second.afterMigrations).toBeUndefined();
      expect(await applyPendingMigrations(second)).toEqual([]);
      const adapter = await second.adapterFactory.connect();
      const users = await adapter.queryRaw({ sql: 'SELECT count(*)::int AS n FROM "User"', args: [], argTypes: [] });
      expect(users.rows).toEqual([[0]]);
      await adapter.dispose();
    } finally {
      await second.close();
    }
  });
});
