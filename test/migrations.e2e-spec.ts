import {
  applyPendingMigrations,
  createMigration,
  type DatabaseConnection,
  diffMigrationsToSchema,
  openDatabase,
  type PrismaLayout,
  projectPrismaLayout,
} from '@pharos/database';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/** A copy of prisma/ to edit freely. */
function copyLayout(): PrismaLayout & { root: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pharos-prisma-'));
  const project = projectPrismaLayout();
  cpSync(path.dirname(project.schemaPath), path.join(root, 'prisma'), { recursive: true });
  return { root, schemaPath: path.join(root, 'prisma', 'schema.prisma'), migrationsDir: path.join(root, 'prisma', 'migrations') };
}

const PROBE_MODEL = `\nmodel MigrationProbe {\n  id   Int    @id @default(autoincrement())\n  note String\n}\n`;

describe('migrations against the schema', () => {
  let testDb: TestDatabase;
  let db: DatabaseConnection;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await openDatabase(testDb.target);
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  it('produce exactly schema.prisma (the engine finds nothing to migrate)', async () => {
    expect(await diffMigrationsToSchema(db)).toBe('');
  });

  it('catch a schema edit that has no migration, and db:migration writes the one that closes it', async () => {
    const layout = copyLayout();
    try {
      appendFileSync(layout.schemaPath, PROBE_MODEL);
      const drift = await diffMigrationsToSchema(db, layout);
      expect(drift).toContain('CREATE TABLE "MigrationProbe"');

      const folder = await createMigration(db, 'add_probe', layout, new Date('2099-01-02T03:04:05Z'));
      expect(folder).toBe(path.join(layout.migrationsDir, '20990102030405_add_probe'));
      expect(readFileSync(path.join(folder!, 'migration.sql'), 'utf8')).toContain('CREATE TABLE "MigrationProbe"');
      expect(await diffMigrationsToSchema(db, layout)).toBe('');
      expect(await createMigration(db, 'nothing', layout)).toBeNull();
    } finally {
      rmSync(layout.root, { recursive: true, force: true });
    }
  });
});

describe('applying migrations', () => {
  it('records the same _prisma_migrations history as prisma migrate deploy, and is idempotent', async () => {
    const fresh = await createTestDatabase();
    const db = await openDatabase(fresh.target);
    const layout = copyLayout();
    try {
      appendFileSync(layout.schemaPath, PROBE_MODEL);
      await createMigration(db, 'add_probe', layout, new Date('2099-01-02T03:04:05Z'));
      // A cloned test database already holds the project's migrations: only the new one applies.
      const expected = fresh.migrated ? ['20990102030405_add_probe'] : readdirSync(layout.migrationsDir).filter((f) => /^\d{14}_/.test(f)).sort();
      expect(await applyPendingMigrations(db, layout)).toEqual(expected);
      expect(await applyPendingMigrations(db, layout)).toEqual([]);

      const adapter = await db.adapterFactory.connect();
      const rows = await adapter.queryRaw({
        sql: 'SELECT migration_name, finished_at IS NOT NULL AS finished, checksum FROM _prisma_migrations ORDER BY migration_name',
        args: [],
        argTypes: [],
      });
      await adapter.dispose();
      const names = rows.rows.map((r) => r[0]);
      expect(names).toEqual(readdirSync(layout.migrationsDir).filter((f) => /^\d{14}_/.test(f)).sort());
      expect(rows.rows.every((r) => r[1] === true && /^[0-9a-f]{64}$/.test(String(r[2])))).toBe(true);
    } finally {
      await db.close();
      await fresh.drop();
      rmSync(layout.root, { recursive: true, force: true });
    }
  });
});
