import { utcMidnightDaysAgo } from './support/test-times';
import { PrismaService } from '@pharos/database';
import type { LiveMetricsData } from '@pharos/protocol';
import { MetricsService } from '../apps/server/src/fleet/metrics/metrics.service';
import { ServerPresenceService } from '../apps/server/src/fleet/servers/server-presence.service';
import { eventually } from './support/eventually';
import { startPharos, type RunningPharos } from './support/pharos-test-app';
import { storedSampleCount, storedSamples } from './support/stored-samples';

function sample(serverId: string, at: Date, cpu: number): LiveMetricsData {
  return {
    server_id: serverId,
    source: 'agent',
    timestamp: at.toISOString(),
    cpu_percent: cpu,
    memory_percent: 50,
    load1: 0.5,
    disk_usage: [{ mountpoint: '/', percent: 40 }],
    network: [{ interface: 'eth0', rx_bytes_per_sec: 10, tx_bytes_per_sec: 20 }],
  };
}

describe('servers and their metric history', () => {
  let pharos: RunningPharos;
  let token: string;

  beforeAll(async () => {
    pharos = await startPharos();
    token = await pharos.login();
  });
  afterAll(() => pharos.close());

  async function createServer(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await pharos.request('/api/v1/servers', { token, body: { name, ...extra } });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('creates, lists with filters, updates and deletes servers', async () => {
    const web = await createServer('web-1', { group: 'web', tags: ['prod', 'eu', 'prod'] });
    await createServer('db-1', { group: 'db', tags: ['prod'] });

    const byGroup = await pharos.request('/api/v1/servers?group=web', { token });
    expect(byGroup.body.items.map((s: any) => s.name)).toEqual(['web-1']);
    expect(byGroup.body.items[0]).toMatchObject({ source: 'agent', status: 'unknown', tags: ['eu', 'prod'] });

    const search = await pharos.request('/api/v1/servers?search=DB', { token });
    expect(search.body.items.map((s: any) => s.name)).toEqual(['db-1']);
    expect((await pharos.request('/api/v1/servers?tag=prod', { token })).body.total).toBeGreaterThanOrEqual(2);
    expect((await pharos.request('/api/v1/servers/facets', { token })).body).toMatchObject({ groups: expect.arrayContaining(['db', 'web']) });

    const renamed = await pharos.request(`/api/v1/servers/${web}`, { method: 'PATCH', token, body: { name: 'web-01', commandsEnabled: false } });
    expect(renamed.body).toMatchObject({ name: 'web-01', commandsEnabled: false });
    expect((await pharos.request(`/api/v1/servers/${web}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await pharos.request(`/api/v1/servers/${web}`, { token })).status).toBe(404);

    const audit = await pharos.app.get(PrismaService).auditEntry.findMany({ where: { targetId: web }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['server.create', 'server.update', 'server.delete']);
  });

  it('refuses bad input with 400 naming the field, and unknown ids with 404', async () => {
    const bad = await pharos.request('/api/v1/servers', { token, body: { name: '', tags: 'x' } });
    expect(bad.status).toBe(400);
    expect(['name', 'tags']).toContain(bad.body.field);
    expect((await pharos.request('/api/v1/servers?limit=0', { token })).body.field).toBe('limit');
    expect((await pharos.request('/api/v1/servers/not-a-uuid', { token })).status).toBe(404);
    expect((await pharos.request('/api/v1/servers', { body: { name: 'x' } })).status).toBe(401);
  });

  it('records presence changes as events in the server log', async () => {
    const id = await createServer('presence-1');
    const presence = pharos.app.get(ServerPresenceService);
    await presence.seen(id);
    await presence.seen(id);
    await presence.offline(id, 'Agent disconnected', 'agent.disconnected');
    await presence.offline(id, 'again');
    const server = await pharos.request(`/api/v1/servers/${id}`, { token });
    expect(server.body.status).toBe('offline');
    const events = await pharos.request(`/api/v1/servers/${id}/events`, { token });
    // The built-in offline rule may log its incident too; its tests are in alert-builtins.
    const presenceEvents = events.body.items.filter((e: any) => !e.kind.startsWith('alert.'));
    expect(presenceEvents.map((e: any) => [e.kind, e.level])).toEqual([
      ['agent.disconnected', 'WARN'],
      ['server.online', 'INFO'],
    ]);
  });

  it('stores samples with minute and hour rollups and charts a range at the right resolution', async () => {
    const id = await createServer('history-1');
    const metrics = pharos.app.get(MetricsService);
    // Midnight (UTC) two days ago: inside every retention, and far enough back to be rolled up as stored.
    const start = utcMidnightDaysAgo(2);
    // Two hours of one sample per 30 s, CPU climbing 0..239.
    for (let i = 0; i < 240; i++) await metrics.record(id, sample(id, new Date(start.getTime() + i * 30_000), i));

    const prisma = pharos.app.get(PrismaService);
    // Raw rows, or blocks once the sweep compacted them (samples two days old).
    expect(await storedSampleCount(prisma, id)).toBe(240);
    const minute = await prisma.metricRollup1m.findUniqueOrThrow({ where: { serverId_bucket: { serverId: id, bucket: start } } });
    expect(minute).toMatchObject({ samples: 2, cpuPercent: 0.5, cpuPercentMax: 1 });
    const hour = await prisma.metricRollup1h.findUniqueOrThrow({ where: { serverId_bucket: { serverId: id, bucket: start } } });
    expect(hour.samples).toBe(120);
    expect(hour.cpuPercent).toBeCloseTo(59.5, 6);

    const raw = await pharos.request(
      `/api/v1/servers/${id}/metrics?series=cpu_percent,load1&from=${start.toISOString()}&to=${new Date(start.getTime() + 3600_000).toISOString()}&points=60`,
      { token },
    );
    expect(raw.status).toBe(200);
    expect(raw.body).toMatchObject({ resolution: 'raw', stepSeconds: 60 });
    expect(raw.body.timestamps).toHaveLength(60);
    expect(raw.body.series.cpu_percent[0]).toBe(0.5);
    expect(raw.body.series.load1[0]).toBe(0.5);
    // CPU keeps a band: the lowest and highest sample of each step; load keeps none.
    expect(raw.body.bands.cpu_percent).toMatchObject({ min: expect.arrayContaining([0, 2]), max: expect.arrayContaining([1, 3]) });
    expect(raw.body.bands.cpu_percent.min[1]).toBe(2);
    expect(raw.body.bands.cpu_percent.max[1]).toBe(3);
    expect(raw.body.bands).not.toHaveProperty('load1');

    // From the rollups: the band of the minutes, and of the hours, spans the samples under them.
    const minutes = await pharos.request(
      `/api/v1/servers/${id}/metrics?series=cpu_percent,memory_percent&from=${start.toISOString()}&to=${new Date(start.getTime() + 2 * 3600_000).toISOString()}&points=12&resolution=1m`,
      { token },
    );
    expect(minutes.body).toMatchObject({ resolution: '1m', stepSeconds: 600 });
    expect(minutes.body.bands.cpu_percent.min[0]).toBe(0);
    expect(minutes.body.bands.cpu_percent.max[0]).toBe(19);
    expect(minutes.body.series.cpu_percent[0]).toBeCloseTo(9.5, 6);
    expect(minutes.body.bands.memory_percent).toEqual({ min: new Array(12).fill(50), max: new Array(12).fill(50) });

    const month = await pharos.request(
      `/api/v1/servers/${id}/metrics?from=${new Date(start.getTime() - 14 * 86_400_000).toISOString()}&to=${new Date(start.getTime() + 14 * 86_400_000).toISOString()}&points=1000`,
      { token },
    );
    expect(month.body).toMatchObject({ resolution: '1h', stepSeconds: 3600 });
    expect(month.body.series.cpu_percent).toHaveLength(2);
    expect(month.body.bands.cpu_percent).toEqual({ min: [0, 120], max: [119, 239] });

    const unknown = await pharos.request(`/api/v1/servers/${id}/metrics?series=cpu,bogus`, { token });
    expect(unknown.status).toBe(400);
    expect(unknown.body.field).toBe('series');
  });

  it('lists trouble first: offline, then alerts firing (critical first), then never seen, then the rest; with each one\'s alerts', async () => {
    const presence = pharos.app.get(ServerPresenceService);
    const metrics = pharos.app.get(MetricsService);
    const ids: Record<string, string> = {};
    for (const name of ['t-fine', 't-offline', 't-warning', 't-critical', 't-never']) ids[name] = await createServer(name, { tags: ['trouble'] });
    for (const name of ['t-fine', 't-offline', 't-warning', 't-critical']) await presence.seen(ids[name]!);
    await presence.offline(ids['t-offline']!, 'Agent disconnected');
    for (const [name, severity] of [['t-warning', 'warning'], ['t-critical', 'critical']] as const) {
      const rule = await pharos.request('/api/v1/alert-rules', { token, body: { name: `hot ${name}`, metric: 'cpu_percent', op: 'gt', threshold: 90, severity, serverId: ids[name] } });
      expect(rule.status).toBe(201);
      await metrics.record(ids[name]!, sample(ids[name]!, new Date(), 95));
    }
    // The two rules fire; the offline server raises the built-in "Server offline" (critical).
    await eventually(async () => {
      const firing: { rule: string; server_id: string }[] = (await pharos.request('/api/v1/alerts?state=firing', { token })).body.items;
      expect(firing.filter((a) => a.rule.startsWith('hot ')).length).toBe(2);
      expect(firing.filter((a) => a.rule === 'Server offline').map((a) => a.server_id)).toContain(ids['t-offline']);
    });

    const trouble = await pharos.request('/api/v1/servers?tag=trouble&sort=trouble', { token });
    expect(trouble.status).toBe(200);
    expect(trouble.body.items.map((s: any) => s.name)).toEqual(['t-offline', 't-critical', 't-warning', 't-never', 't-fine']);
    expect(trouble.body.byStatus).toEqual({ online: 3, offline: 1, unknown: 1 });
    expect(trouble.body.items.map((s: any) => s.alerts)).toEqual([
      { critical: 1, warning: 0 },
      { critical: 1, warning: 0 },
      { critical: 0, warning: 1 },
      { critical: 0, warning: 0 },
      { critical: 0, warning: 0 },
    ]);
    // Agents report every 5 s by their protocol: their charts' gaps are measured by it.
    expect(trouble.body.items[0].reportIntervalSeconds).toBe(5);

    const byStatus = await pharos.request('/api/v1/servers?tag=trouble&sort=status', { token });
    expect(byStatus.body.items.map((s: any) => s.status)).toEqual(['offline', 'unknown', 'online', 'online', 'online']);
    // Descending, the healthy come first and the worst last.
    const calmFirst = await pharos.request('/api/v1/servers?tag=trouble&sort=trouble&order=desc', { token });
    expect(calmFirst.body.items.map((s: any) => s.name)).toEqual(['t-fine', 't-never', 't-warning', 't-critical', 't-offline']);
    const statusDesc = await pharos.request('/api/v1/servers?tag=trouble&sort=status&order=desc', { token });
    expect(statusDesc.body.items.map((s: any) => s.name)).toEqual(['t-critical', 't-fine', 't-warning', 't-never', 't-offline']);
    const onlineOnly = await pharos.request('/api/v1/servers?tag=trouble&status=online&sort=trouble', { token });
    expect([onlineOnly.body.total, ...onlineOnly.body.items.map((s: any) => s.name)]).toEqual([3, 't-critical', 't-warning', 't-fine']);
    // Pages of the trouble order neither overlap nor skip.
    const first = await pharos.request('/api/v1/servers?tag=trouble&sort=trouble&limit=2', { token });
    const rest = await pharos.request('/api/v1/servers?tag=trouble&sort=trouble&limit=2&offset=2', { token });
    const past = await pharos.request('/api/v1/servers?tag=trouble&sort=trouble&limit=2&offset=10', { token });
    expect([...first.body.items, ...rest.body.items].map((s: any) => s.name)).toEqual(['t-offline', 't-critical', 't-warning', 't-never']);
    expect([first.body.total, rest.body.total, past.body.total, past.body.items.length]).toEqual([5, 5, 5, 0]);
    expect((await pharos.request('/api/v1/servers?sort=worst', { token })).body.field).toBe('sort');
    // A search takes its wildcards literally.
    expect((await pharos.request(`/api/v1/servers?search=${encodeURIComponent('t_%')}`, { token })).body.total).toBe(0);
  });

  it('refuses a second server of the same name (whatever its case) with 409 naming the field, and changes nothing', async () => {
    const first = await createServer('unique-1');
    const again = await pharos.request('/api/v1/servers', { token, body: { name: 'Unique-1' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ field: 'name', message: 'a server named "Unique-1" already exists' });
    expect((await pharos.request('/api/v1/nodes', { token, body: { name: 'UNIQUE-1' } })).status).toBe(409);

    const other = await createServer('unique-2');
    const rename = await pharos.request(`/api/v1/servers/${other}`, { method: 'PATCH', token, body: { name: 'unique-1', group: 'moved' } });
    expect(rename.status).toBe(409);
    expect((await pharos.request(`/api/v1/servers/${other}`, { token })).body).toMatchObject({ name: 'unique-2', group: null });
    // A server may change the case of its own name.
    expect((await pharos.request(`/api/v1/servers/${first}`, { method: 'PATCH', token, body: { name: 'Unique-1' } })).status).toBe(200);
    // Two at once: one wins.
    const racing = await Promise.all([1, 2, 3].map(() => pharos.request('/api/v1/servers', { token, body: { name: 'unique-race' } })));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect((await pharos.request('/api/v1/servers?search=unique', { token })).body.items.map((s: any) => s.name)).toEqual(['Unique-1', 'unique-2', 'unique-race']);
  });

  it('ignores a second sample with the same timestamp', async () => {
    const id = await createServer('dup-1');
    const metrics = pharos.app.get(MetricsService);
    const at = utcMidnightDaysAgo(1);
    await metrics.record(id, sample(id, at, 10));
    await metrics.record(id, sample(id, at, 90));
    const prisma = pharos.app.get(PrismaService);
    const rows = await storedSamples(prisma, id);
    expect(rows.map((r) => r.cpuPercent)).toEqual([10]);
    const minute = await prisma.metricRollup1m.findUniqueOrThrow({ where: { serverId_bucket: { serverId: id, bucket: at } } });
    expect(minute).toMatchObject({ samples: 1, cpuPercent: 10 });
  });
});
