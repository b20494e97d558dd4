import { PrismaService } from '@pharos/database';
import { RetentionJob } from '../apps/server/src/platform/retention/retention-job';
import { LightdEmulator } from './support/lightd-emulator';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

const DAY_MS = 86_400_000;

/**
 * Bounded storage: every table that grows with time is trimmed by the one retention job, in
 * batches (here of 3 rows, so each purge takes several), old rows going and new ones staying.
 */
describe('retention of append-only tables', () => {
  let pharos: RunningPharos;
  let prisma: PrismaService;
  let admin: string;

  beforeAll(async () => {
    pharos = await startPharos({
      env: {
        RETENTION_BATCH_ROWS: '3',
        RETENTION_BATCH_PAUSE_MS: '0',
        EVENT_LOG_RETENTION_DAYS: '10',
        AUDIT_LOG_RETENTION_DAYS: '20',
        COMMAND_RETENTION_DAYS: '10',
        ALERT_INCIDENT_RETENTION_DAYS: '10',
        LIGHTD_UPDATE_RETENTION_DAYS: '10',
        REFRESH_TOKEN_RETENTION_DAYS: '2',
        METRICS_MINUTE_RETENTION_DAYS: '10',
      },
    });
    prisma = pharos.app.get(PrismaService);
    admin = await pharos.login();
  });
  afterAll(() => pharos.close());

  it('deletes what outlived each table\'s retention and keeps the rest', async () => {
    const now = new Date();
    const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const server = await prisma.server.create({ data: { name: 'kept-server', source: 'agent' } });
    const user = await prisma.user.findFirstOrThrow({ where: { username: 'admin' } });

    // Event log: 7 entries of 30 days ago, 2 of yesterday.
    await prisma.eventLogEntry.createMany({
      data: [...Array(7).fill(daysAgo(30)), daysAgo(1), daysAgo(1)].map((at: Date, i) => ({ subjectType: 'server', subjectId: server.id, at, kind: 'test.entry', message: `entry ${i}` })),
    });
    // Audit: one older than its 20 days, one within (the login above is new too).
    await prisma.auditEntry.createMany({ data: [{ at: daysAgo(25), action: 'test.old' }, { at: daysAgo(15), action: 'test.kept' }] });
    // Commands: finished long ago (gone), finished lately and still waiting (kept).
    const command = (state: 'completed' | 'timed_out' | 'pending', at: Date) => ({ serverId: server.id, kind: 'shell' as const, command: 'uptime', state, requestedAt: at, expiresAt: at, completedAt: state === 'pending' ? null : at });
    await prisma.command.createMany({ data: [command('completed', daysAgo(30)), command('timed_out', daysAgo(30)), command('completed', daysAgo(1)), command('pending', daysAgo(30))] });
    // Alert incidents: resolved long ago (gone), resolved lately and still open (kept).
    const incident = (firedAt: Date, resolvedAt: Date | null) => ({ serverId: server.id, ruleName: 'cpu', severity: 'warning' as const, metric: 'cpu_percent', op: 'gt', threshold: 90, value: 95, firedAt, resolvedAt });
    await prisma.alertIncident.createMany({ data: [incident(daysAgo(40), daysAgo(30)), incident(daysAgo(2), daysAgo(1)), incident(daysAgo(40), null)] });
    // Lightd updates: through the remote, then aged.
    const registered = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name: 'node-r', apiUrl: 'http://127.0.0.1:9' } });
    const lightd = new LightdEmulator({ url: pharos.baseUrl, token: registered.body.remoteToken });
    await lightd.install('mc-r');
    const updates = await prisma.lightdUpdate.findMany({ orderBy: { id: 'asc' } });
    await prisma.lightdUpdate.updateMany({ where: { id: { in: updates.slice(0, 3).map((u) => u.id) } }, data: { receivedAt: daysAgo(11) } });
    // Refresh tokens: expired 3 days ago, revoked 3 days ago (gone); live (kept).
    const token = (suffix: string, expiresAt: Date, revokedAt: Date | null) => ({ userId: user.id, tokenHash: `hash-${suffix}`, familyId: '00000000-0000-4000-8000-000000000001', expiresAt, revokedAt });
    await prisma.refreshToken.createMany({ data: [token('expired', daysAgo(3), null), token('revoked', daysAgo(-5), daysAgo(3)), token('live', daysAgo(-5), null)] });
    // Minute rollups: 11 days ago (gone), today (kept).
    await prisma.metricRollup1m.createMany({ data: [{ serverId: server.id, bucket: daysAgo(11), samples: 1 }, { serverId: server.id, bucket: new Date(Math.floor(now.getTime() / 60_000) * 60_000), samples: 1 }] });
    const tokensBefore = await prisma.refreshToken.count();

    const result = await pharos.app.get(RetentionJob).run(now);

    expect(result).toMatchObject({
      'event log entries': 7,
      'audit entries': 1,
      'finished commands': 2,
      'resolved alert incidents': 1,
      'Lightd updates': 3,
      'dead refresh tokens': 2,
      'minute rollups': 1,
    });
    expect((await prisma.eventLogEntry.findMany({ where: { kind: 'test.entry' } })).map((e) => e.message)).toEqual(['entry 7', 'entry 8']);
    expect((await prisma.auditEntry.findMany({ where: { action: { startsWith: 'test.' } } })).map((a) => a.action)).toEqual(['test.kept']);
    expect((await prisma.command.findMany({ where: { serverId: server.id } })).map((c) => c.state).sort()).toEqual(['completed', 'pending']);
    expect(await prisma.alertIncident.count({ where: { serverId: server.id } })).toBe(2);
    expect(await prisma.lightdUpdate.count()).toBe(updates.length - 3);
    expect(await prisma.refreshToken.count()).toBe(tokensBefore - 2);
    expect(await prisma.refreshToken.count({ where: { tokenHash: 'hash-live' } })).toBe(1);
    expect(await prisma.metricRollup1m.count({ where: { serverId: server.id } })).toBe(1);

    // What the API reads back agrees; a second pass finds nothing more.
    const events = await pharos.request(`/api/v1/servers/${server.id}/events`, { token: admin });
    expect(events.body.items.map((e: { message: string }) => e.message)).toEqual(['entry 8', 'entry 7']);
    expect(Object.values(await pharos.app.get(RetentionJob).run(now)).every((n) => n === 0)).toBe(true);
  });
});
