import { PrismaService } from '@pharos/database';
import type { LiveMetricsData } from '@pharos/protocol';
import { MetricRollupsService } from '../apps/server/src/fleet/metrics/metric-rollups.service';
import { MetricsService } from '../apps/server/src/fleet/metrics/metrics.service';
import { startPharos, type RunningPharos } from './support/pharos-test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const MINUTE_MS = 60_000;
// No timed flush during a test: what is rolled up is what a test asks for.
const QUIET = { METRICS_ROLLUP_FLUSH_SECONDS: '3600' };

/** `count` samples of a server, `stepMs` apart, ending about now. */
function recentSamples(serverId: string, count: number, stepMs: number): { sample: LiveMetricsData; series: Record<string, Record<string, number>> }[] {
  const first = Date.now() - count * stepMs;
  return Array.from({ length: count }, (_, i) => ({
    sample: {
      server_id: serverId,
      source: 'agent',
      timestamp: new Date(first + i * stepMs).toISOString(),
      cpu_percent: (i * 37) % 100,
      memory_percent: 40 + (i % 9),
      ...(i % 5 === 0 ? {} : { max_temp_c: 30 + (i % 13) }),
      disk_usage: [],
      network: [],
    },
    series: { iface_rx_bytes_per_sec: { eth0: i * 10, ...(i % 4 === 0 ? { eth1: i } : {}) } },
  }));
}

/** A rollup row as compared: floats to 9 places. */
function comparable(row: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(9)) : v)));
}

describe('metric rollups of samples near the present', () => {
  let db: TestDatabase;
  let pharos: RunningPharos;
  let token: string;
  let prisma: PrismaService;

  beforeAll(async () => {
    db = await createTestDatabase();
    pharos = await startPharos({ database: db, env: QUIET });
    token = await pharos.login();
    prisma = pharos.app.get(PrismaService);
  });
  afterAll(async () => {
    await pharos?.close();
    await db?.drop();
  });

  async function createServer(name: string): Promise<string> {
    const created = await pharos.request('/api/v1/servers', { token, body: { name } });
    return created.body.id as string;
  }

  it('stores them raw, rolls them up once committed, equal to rollups rebuilt from the raw samples, and a chart has them at once', async () => {
    const id = await createServer('recent-1');
    const metrics = pharos.app.get(MetricsService);
    const samples = recentSamples(id, 60, 5_000);
    for (const { sample, series } of samples) await metrics.record(id, sample, series);
    expect(await prisma.metricSample.count({ where: { serverId: id } })).toBe(60);
    expect(await prisma.metricRollup1m.count({ where: { serverId: id } })).toBe(0);

    // A chart at minute resolution rolls up what is pending for its server first.
    const from = new Date(Date.now() - 8 * 3600_000);
    const chart = await pharos.request(`/api/v1/servers/${id}/metrics?series=cpu_percent&from=${from.toISOString()}&to=${new Date(Date.now() + MINUTE_MS).toISOString()}&points=1000`, { token });
    expect(chart.status).toBe(200);
    expect(chart.body.resolution).toBe('1m');
    const charted = (chart.body.series.cpu_percent as (number | null)[]).filter((v) => v !== null);
    expect(charted.length).toBeGreaterThanOrEqual(5);

    await pharos.app.get(MetricRollupsService).flush({ all: true });
    const minutes = await prisma.metricRollup1m.findMany({ where: { serverId: id }, orderBy: { bucket: 'asc' } });
    const hours = await prisma.metricRollup1h.findMany({ where: { serverId: id }, orderBy: { bucket: 'asc' } });
    expect(minutes.reduce((n, m) => n + m.samples, 0)).toBe(60);
    expect(hours.reduce((n, h) => n + h.samples, 0)).toBe(60);

    const first = new Date(samples[0]!.sample.timestamp);
    await pharos.app.get(MetricRollupsService).rebuild(first, new Date(), id);
    const rebuiltMinutes = await prisma.metricRollup1m.findMany({ where: { serverId: id }, orderBy: { bucket: 'asc' } });
    const rebuiltHours = await prisma.metricRollup1h.findMany({ where: { serverId: id }, orderBy: { bucket: 'asc' } });
    expect(rebuiltMinutes.map(comparable)).toEqual(minutes.map(comparable));
    expect(rebuiltHours.map(comparable)).toEqual(hours.map(comparable));
  });

  it('rolls a sample far from the present into its rollups as it is stored', async () => {
    const id = await createServer('backfill-1');
    const at = new Date(Date.now() - 3 * 86_400_000);
    await pharos.app.get(MetricsService).record(id, { server_id: id, source: 'agent', timestamp: at.toISOString(), cpu_percent: 42, memory_percent: 10, disk_usage: [], network: [] });
    const minute = await prisma.metricRollup1m.findFirstOrThrow({ where: { serverId: id } });
    expect(minute).toMatchObject({ samples: 1, cpuPercent: 42 });
  });

  it('after an unclean shutdown, rebuilds the rollups of what was pending; after a clean one, nothing is left to rebuild', async () => {
    const id = await createServer('crash-1');
    const metrics = pharos.app.get(MetricsService);
    for (const { sample, series } of recentSamples(id, 30, 4_000)) await metrics.record(id, sample, series);
    expect(await prisma.metricRollup1m.count({ where: { serverId: id } })).toBe(0);
    expect(await prisma.metricRollupState.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ cleanShutdown: false });

    // The first instance never got to flush (as if killed): a second one over the same
    // database finds the state unclean and rebuilds from where it stood.
    const second = await startPharos({ database: db, env: QUIET });
    try {
      await second.app.get(MetricRollupsService).whenRecovered();
      const minutes = await prisma.metricRollup1m.findMany({ where: { serverId: id } });
      expect(minutes.reduce((n, m) => n + m.samples, 0)).toBe(30);
      expect((await prisma.metricRollup1h.findMany({ where: { serverId: id } })).reduce((n, h) => n + h.samples, 0)).toBe(30);
    } finally {
      await second.close();
    }
    expect(await prisma.metricRollupState.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ cleanShutdown: true });
  });
});
