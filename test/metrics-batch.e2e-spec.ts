import { utcMidnightDaysAgo } from './support/test-times';
import { PrismaService } from '@pharos/database';
import type { LiveMetricsData } from '@pharos/protocol';
import { MetricsService, type SampleToRecord } from '../apps/server/src/fleet/metrics/metrics.service';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

/** Group-committed samples (`recordMany`) must store exactly what one-by-one `record` does. */
describe('recording samples in batches', () => {
  let pharos: RunningPharos;
  let metrics: MetricsService;
  let prisma: PrismaService;
  let token: string;

  beforeAll(async () => {
    pharos = await startPharos();
    metrics = pharos.app.get(MetricsService);
    prisma = pharos.app.get(PrismaService);
    token = await pharos.login();
  });
  afterAll(() => pharos.close());

  const server = async (name: string) => (await pharos.request('/api/v1/servers', { token, body: { name } })).body.id as string;
  const sample = (serverId: string, at: Date, cpu: number, extra: Partial<LiveMetricsData> = {}): LiveMetricsData => ({
    server_id: serverId,
    source: 'agent',
    timestamp: at.toISOString(),
    cpu_percent: cpu,
    memory_percent: cpu / 2,
    disk_usage: [],
    network: [],
    ...extra,
  });
  const stored = async (serverId: string) => ({
    samples: await prisma.metricSample.findMany({ where: { serverId }, orderBy: { at: 'asc' }, omit: { serverId: true } }),
    minutes: await prisma.metricRollup1m.findMany({ where: { serverId }, orderBy: { bucket: 'asc' }, omit: { serverId: true } }),
    hours: await prisma.metricRollup1h.findMany({ where: { serverId }, orderBy: { bucket: 'asc' }, omit: { serverId: true } }),
  });

  it('stores a batch (several samples of one server among others, a repeated time, a missing value) like one-by-one records', async () => {
    const [oneByOne, batched, other] = [await server('one-by-one'), await server('batched'), await server('other')];
    const t0 = new Date(utcMidnightDaysAgo(2).getTime() + 10 * 3600_000 + 1000);
    const plan = (id: string): SampleToRecord[] => [
      { serverId: id, sample: sample(id, t0, 10, { load1: 1.5 }), entitySeries: { fs_used_percent: { '/': 40 } } },
      { serverId: id, sample: sample(id, new Date(t0.getTime() + 5000), 30), entitySeries: { fs_used_percent: { '/': 42, '/var': 7 } } },
      { serverId: id, sample: sample(id, new Date(t0.getTime() + 5000), 99) }, // same time: ignored
      { serverId: id, sample: sample(id, new Date(t0.getTime() + 65_000), 50, { load1: 0.5 }) },
    ];
    for (const s of plan(oneByOne)) await metrics.record(s.serverId, s.sample, s.entitySeries);
    await metrics.recordMany([...plan(batched), { serverId: other, sample: sample(other, t0, 77) }]);
    const a = await stored(oneByOne);
    const b = await stored(batched);
    expect(b).toEqual(a);
    expect(b.samples).toHaveLength(3);
    expect(b.minutes.map((m) => m.samples)).toEqual([2, 1]);
    expect((await stored(other)).samples.map((s) => s.cpuPercent)).toEqual([77]);
  });

  it('stores nothing of a batch whose transaction fails', async () => {
    const id = await server('rolled-back');
    const t0 = new Date(utcMidnightDaysAgo(2).getTime() + 11 * 3600_000);
    await expect(
      prisma.$transaction(async (tx) => {
        await metrics.write({ samples: [0, 1, 2].map((i) => ({ serverId: id, sample: sample(id, new Date(t0.getTime() + i * 1000), i) })) }, tx);
        throw new Error('the batch failed after its statements');
      }),
    ).rejects.toThrow('the batch failed');
    expect(await stored(id)).toEqual({ samples: [], minutes: [], hours: [] });
  });
});
