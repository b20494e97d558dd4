import { diffMigrationsToSchema, openDatabase, PrismaService } from '@pharos/database';
import { startPharos, TEST_ADMIN_PASSWORD } from '../support/pharos-test-app';
import { createPgliteTestDatabase } from '../support/test-database';

describe('embedded PGlite, the default database', () => {
  it('migrations produce exactly schema.prisma on PGlite too', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    try {
      expect(await diffMigrationsToSchema(db)).toBe('');
    } finally {
      await db.close();
    }
  });

  it('migrates at start-up, serves logins, and keeps its data across a restart', async () => {
    const database = createPgliteTestDatabase();
    try {
      const first = await startPharos({ database });
      const token = await first.login();
      const created = await first.request('/api/v1/users', { token, body: { username: 'kept', password: 'kept-password' } });
      expect(created.status).toBe(201);
      const migrations = await first.app.get(PrismaService).$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL`;
      expect(Number(migrations[0]!.n)).toBeGreaterThan(0);
      await first.close();

      const second = await startPharos({ database });
      expect(await second.login('kept', 'kept-password')).toEqual(expect.any(String));
      expect(await second.login('admin', TEST_ADMIN_PASSWORD)).toEqual(expect.any(String));
      expect(await second.app.get(PrismaService).user.count()).toBe(2);
      expect((await second.request('/readyz')).status).toBe(200);
      await second.close();
    } finally {
      await database.drop();
    }
  });
});
