import { utcMidnightDaysAgo } from './support/test-times';
import { PrismaService } from '@pharos/database';
import type { LiveMetricsData } from '@pharos/protocol';
import { MetricsService } from '../apps/server/src/fleet/metrics/metrics.service';
import { ServerPresenceService } from '../apps/server/src/fleet/servers/server-presence.service';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

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
    expect(events.body.items.map((e: any) => [e.kind, e.level])).toEqual([
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
    expect(await prisma.metricSample.count({ where: { serverId: id } })).toBe(240);
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

    const month = await pharos.request(
      `/api/v1/servers/${id}/metrics?from=${new Date(start.getTime() - 14 * 86_400_000).toISOString()}&to=${new Date(start.getTime() + 14 * 86_400_000).toISOString()}&points=1000`,
      { token },
    );
    expect(month.body).toMatchObject({ resolution: '1h', stepSeconds: 3600 });
    expect(month.body.series.cpu_percent).toHaveLength(2);

    const unknown = await pharos.request(`/api/v1/servers/${id}/metrics?series=cpu,bogus`, { token });
    expect(unknown.status).toBe(400);
    expect(unknown.body.field).toBe('series');
  });

  it('ignores a second sample with the same timestamp', async () => {
    const id = await createServer('dup-1');
    const metrics = pharos.app.get(MetricsService);
    const at = utcMidnightDaysAgo(1);
    await metrics.record(id, sample(id, at, 10));
    await metrics.record(id, sample(id, at, 90));
    const prisma = pharos.app.get(PrismaService);
    const rows = await prisma.metricSample.findMany({ where: { serverId: id } });
    expect(rows.map((r) => r.cpuPercent)).toEqual([10]);
    const minute = await prisma.metricRollup1m.findUniqueOrThrow({ where: { serverId_bucket: { serverId: id, bucket: at } } });
    expect(minute).toMatchObject({ samples: 1, cpuPercent: 10 });
  });
});
