import { diffMigrationsToSchema, openDatabase, PrismaService } from '@pharos/database';
import { MetricRollupsService } from '../../apps/server/src/fleet/metrics/metric-rollups.service';
import { IthiltirNodeEmulator } from '../support/ithiltir-node-emulator';
import { LightdEmulator } from '../support/lightd-emulator';
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

  it('takes node reports and Lightd updates through the driver-direct batch writes, and rolls them up', async () => {
    const database = createPgliteTestDatabase();
    try {
      const pharos = await startPharos({ database });
      const token = await pharos.login();
      const prisma = pharos.app.get(PrismaService);

      const node = await pharos.request('/api/v1/nodes', { token, body: { name: 'embedded-node' } });
      const emulator = new IthiltirNodeEmulator({ targetUrl: `${pharos.baseUrl}/api/node/metrics`, key: node.body.secret, hostname: 'embedded-node' });
      expect((await emulator.postStatic()).status).toBe(200);
      // Routine reports, several at once (one batch): one statement for snapshots and samples.
      const replies = await Promise.all([0, 1, 2, 3].map((i) => emulator.report(emulator.nextReport(new Date(Date.now() - 4000 + i * 1000)))));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(await prisma.metricSample.count({ where: { serverId: node.body.node.id } })).toBe(4);
      expect(await prisma.nodeSnapshot.count({ where: { serverId: node.body.node.id } })).toBe(1);

      const daemon = await pharos.request('/api/v1/lightd/daemons', { token, body: { name: 'embedded-lightd', apiUrl: 'http://127.0.0.1:9' } });
      const lightd = new LightdEmulator({ url: pharos.baseUrl, token: daemon.body.remoteToken });
      const answers = await Promise.all([lightd.sendStatus('c-1', 'installing'), lightd.sendStatus('c-2', 'installing')]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect((await lightd.sendStatus('c-1', 'ready')).status).toBe(200);
      const containers = await prisma.lightdContainer.findMany({ where: { daemonId: daemon.body.daemon.id }, orderBy: { internalId: 'asc' } });
      expect(containers.map((c) => [c.internalId, c.status])).toEqual([
        ['c-1', 'ready'],
        ['c-2', 'installing'],
      ]);
      expect(await prisma.lightdUpdate.count({ where: { daemonId: daemon.body.daemon.id } })).toBe(3);

      await pharos.app.get(MetricRollupsService).flush({ all: true });
      const minutes = await prisma.metricRollup1m.findMany({ where: { serverId: node.body.node.id } });
      expect(minutes.reduce((n, m) => n + m.samples, 0)).toBe(4);
      await pharos.close();
    } finally {
      await database.drop();
    }
  });
});
