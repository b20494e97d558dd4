import { PrismaService } from '@pharos/database';
import type { LiveMetricsData } from '@pharos/protocol';
import { MetricCompaction } from '../apps/server/src/fleet/metrics/blocks/metric-compaction';
import { MetricRetentionService } from '../apps/server/src/fleet/metrics/metric-retention.service';
import { MetricRollupsService } from '../apps/server/src/fleet/metrics/metric-rollups.service';
import { MetricsService } from '../apps/server/src/fleet/metrics/metrics.service';
import { startPharos, type RunningPharos } from './support/pharos-test-app';
import { storedSampleCount } from './support/stored-samples';
import { createPgliteTestDatabase, type TestDatabase } from './support/test-database';

const MINUTE_MS = 60_000;
/** The flush runs only when a test says so. */
const QUIET = { METRICS_ROLLUP_FLUSH_SECONDS: '3600', RETENTION_INTERVAL_SECONDS: '86400' };

/** Raw rows as PostgreSQL prints them: every value's exact text. */
const RAW_ROWS_SQL = `SELECT "at"::text AS at, "cpuPercent"::text AS cpu, "memoryPercent"::text AS memory, "load5"::text AS load5,
    "tcpCount"::text AS tcp, "maxTempC"::text AS temp, "series"::text AS series
  FROM "MetricSample" WHERE "serverId" = $1::uuid ORDER BY "at"`;

/** A value with every number to 12 significant digits. */
function approximately(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? Number(value.toPrecision(12)) : value;
  if (Array.isArray(value)) return value.map(approximately);
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, approximately(v)]));
}

describe.each([
  ['PostgreSQL', () => undefined],
  ['PGlite', () => createPgliteTestDatabase()],
] as [string, () => TestDatabase | undefined][])('metric blocks on %s', (_, database) => {
  let pharos: RunningPharos;
  let db: TestDatabase | undefined;
  let token: string;
  let prisma: PrismaService;
  let metrics: MetricsService;
  let rollups: MetricRollupsService;
  let serverId: string;
  // Six whole minutes that ended a little while ago, inside the window the flush rolls up.
  const start = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 7 * MINUTE_MS;
  const end = start + 6 * MINUTE_MS;
  const sampleAt = (i: number) => start + i * 3000 + (i % 7);

  beforeAll(async () => {
    db = database();
    pharos = await startPharos({ env: QUIET, database: db });
    token = await pharos.login();
    prisma = pharos.app.get(PrismaService);
    metrics = pharos.app.get(MetricsService);
    rollups = pharos.app.get(MetricRollupsService);
    serverId = (await pharos.request('/api/v1/servers', { token, body: { name: 'blocks' } })).body.id;
    const samples = Array.from({ length: 120 }, (_, i) => {
      const sample: LiveMetricsData = {
        server_id: serverId,
        source: 'agent',
        timestamp: new Date(sampleAt(i)).toISOString(),
        cpu_percent: 20 + 30 * Math.sin(i / 5),
        memory_percent: 41.25 + (i % 3),
        load5: i % 11 === 0 ? undefined : 0.5 + i / 100,
        tcp_count: 100 + (i % 4),
        ...(i % 9 === 0 ? {} : { max_temp_c: 55 + (i % 5) / 10 }),
        disk_usage: [],
        network: [],
      };
      const iface = { eth0: 1000.5 * i, ...(i % 4 === 0 ? { 'wg-mesh': i / 3 } : {}) };
      return { serverId, sample, entitySeries: { iface_rx_bytes_per_sec: iface, temp_c: { 'k10temp/Tctl': 40 + (i % 20) } } };
    });
    await metrics.recordMany(samples);
    // Values only another writer stores (the history's own write path keeps finite numbers of
    // float64 range): a uint64 counter, a numeric with trailing zeros, NaN, -0, Infinity.
    await prisma.$executeRawUnsafe(
      `INSERT INTO "MetricSample" ("serverId", "at", "cpuPercent", "memoryPercent", "series") VALUES
         ($1::uuid, $2::timestamptz, 'NaN', '-0', '{"iface_rx_bytes_per_sec": {"eth0": 18446744073709551615, "lo": 1.50}}'),
         ($1::uuid, $3::timestamptz, 'Infinity', NULL, NULL)`,
      serverId,
      new Date(start + 61_001).toISOString(),
      new Date(start + 62_002).toISOString(),
    );
  });
  afterAll(async () => {
    await pharos.close();
    await db?.drop();
  });

  const chart = async (query: string) => {
    const res = await pharos.request(`/api/v1/servers/${serverId}/metrics?from=${new Date(start).toISOString()}&to=${new Date(end).toISOString()}&${query}`, { token });
    expect({ status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({ status: 200, body: 'ok' });
    return res.body;
  };
  const charts = () =>
    Promise.all([
      chart('series=cpu_percent,memory_percent,load5,tcp_count,max_temp_c,iface_rx_bytes_per_sec,temp_c&points=1000'),
      chart('series=cpu_percent,memory_percent,iface_rx_bytes_per_sec&points=7'),
      chart('series=iface_rx_bytes_per_sec&points=40&entity=wg-mesh'),
      chart('series=cpu_percent,memory_percent&resolution=1m&points=100'),
    ]);
  const sparklines = async () => (await pharos.request(`/api/v1/metrics/sparklines?servers=${serverId}&minutes=15`, { token })).body;

  it('compacts each ended minute into one block in the flush, and charts it point for point as from the raw samples', async () => {
    const before = await charts();
    const linesBefore = await sparklines();
    expect(before[0].resolution).toBe('raw');
    expect(before[0].timestamps).toHaveLength(122);
    expect(before[0].series.cpu_percent[before[0].timestamps.indexOf(start + 61_000)]).toBeNull(); // NaN is no value on a chart

    await rollups.flush({ all: true });
    expect(await prisma.metricSample.count({ where: { serverId } })).toBe(0);
    const blocks = await prisma.metricBlock.findMany({ where: { serverId }, orderBy: { minute: 'asc' } });
    expect(blocks.map((b) => [b.minute.getTime() - start, b.samples, b.version])).toEqual([
      [0, 20, 1],
      [MINUTE_MS, 22, 1],
      [2 * MINUTE_MS, 20, 1],
      [3 * MINUTE_MS, 20, 1],
      [4 * MINUTE_MS, 20, 1],
      [5 * MINUTE_MS, 20, 1],
    ]);
    expect(await storedSampleCount(prisma, serverId)).toBe(122);

    expect(await charts()).toEqual(before);
    expect(await sparklines()).toEqual(linesBefore);
  });

  it('gives back every raw value exactly when a block is taken apart (uint64 counters, numeric texts, NaN, -0, ±Infinity)', async () => {
    const id = (await pharos.request('/api/v1/servers', { token, body: { name: 'exact' } })).body.id as string;
    await prisma.$executeRawUnsafe(
      `INSERT INTO "MetricSample" ("serverId", "at", "cpuPercent", "memoryPercent", "load5", "tcpCount", "maxTempC", "series") VALUES
         ($1::uuid, $2::timestamptz, 'NaN', '-0', 1e300, 2147483647, '-Infinity', '{"iface_rx_bytes_per_sec": {"lo": 1.50, "eth0": 18446744073709551615}}'),
         ($1::uuid, $3::timestamptz, 0.1, NULL, 5e-324, -2147483648, NULL, '{"temp_c": {"x": 0.00000000000000000001}}'),
         ($1::uuid, $4::timestamptz, NULL, 33.3, NULL, NULL, 1, NULL)`,
      id,
      new Date(start + 1).toISOString(),
      new Date(start + 2).toISOString(),
      new Date(start + 59_999).toISOString(),
    );
    const rawRows = await prisma.$queryRawUnsafe(RAW_ROWS_SQL, id);
    await rollups.rebuild(new Date(start), new Date(start + MINUTE_MS), id);
    expect(await prisma.metricSample.count({ where: { serverId: id } })).toBe(0);
    const [block] = await prisma.metricBlock.findMany({ where: { serverId: id } });
    expect(block).toMatchObject({ minute: new Date(start), samples: 3 });
    // Taken apart inside a transaction that is then rolled back.
    let restored: unknown[] = [];
    await prisma
      .$transaction(async (tx) => {
        await pharos.app.get(MetricCompaction).restore([{ serverId: id, start: block!.minute }], tx);
        restored = await tx.$queryRawUnsafe(RAW_ROWS_SQL, id);
        throw new Error('roll back');
      })
      .catch((error: Error) => expect(error.message).toBe('roll back'));
    expect(restored).toEqual(rawRows);
  });

  it('merges late samples into their block, with the chart and the rollups as from raw samples', async () => {
    const lateAt = start + 2 * MINUTE_MS + 1000;
    await metrics.record(serverId, { server_id: serverId, source: 'agent', timestamp: new Date(lateAt).toISOString(), cpu_percent: 99, memory_percent: 1, disk_usage: [], network: [] });
    const withLate = await charts();
    expect(withLate[0].timestamps).toContain(lateAt);
    await rollups.flush({ all: true });
    expect(await prisma.metricSample.count({ where: { serverId } })).toBe(0);
    expect((await prisma.metricBlock.findFirst({ where: { serverId, minute: new Date(start + 2 * MINUTE_MS) } }))?.samples).toBe(21);
    expect(await charts()).toEqual(withLate);
    const minute = await prisma.metricRollup1m.findFirst({ where: { serverId, bucket: new Date(start + 2 * MINUTE_MS) } });
    expect(minute).toMatchObject({ samples: 21, cpuPercentMax: 99, memoryPercentMin: 1 });
  });

  it('rebuilds the rollups from blocks after they were lost (crash recovery reads blocks too)', async () => {
    const rollupsBefore = await prisma.metricRollup1m.findMany({ where: { serverId }, orderBy: { bucket: 'asc' } });
    await prisma.metricRollup1m.deleteMany({ where: { serverId } });
    await rollups.rebuild(new Date(start), new Date(end));
    // Equal but for the last bits of sums, which PostgreSQL adds up in the order it reads rows.
    expect(approximately(await prisma.metricRollup1m.findMany({ where: { serverId }, orderBy: { bucket: 'asc' } }))).toEqual(approximately(rollupsBefore));
    expect(await prisma.metricSample.count({ where: { serverId } })).toBe(0);
  });

  it('sweeps raw samples left in minutes long ended into their blocks, and drops blocks past retention whole', async () => {
    const retention = pharos.app.get(MetricRetentionService);
    const old = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 3 * 3600_000;
    // Back-filled history: folded into its rollups as it is stored, compacted by the sweep.
    await metrics.recordMany(
      [0, 1, 2].map((i) => ({ serverId, sample: { server_id: serverId, source: 'agent', timestamp: new Date(old + i * 5000).toISOString(), cpu_percent: i, memory_percent: 1, disk_usage: [], network: [] } })),
    );
    expect(await prisma.metricSample.count({ where: { serverId } })).toBe(3);
    const result = await retention.maintain();
    expect(result.swept).toBeGreaterThanOrEqual(3);
    expect(await prisma.metricSample.count({ where: { serverId } })).toBe(0);
    expect((await prisma.metricBlock.findFirst({ where: { serverId, minute: new Date(old) } }))?.samples).toBe(3);
    expect(await prisma.metricRollup1m.findFirst({ where: { serverId, bucket: new Date(old) } })).toMatchObject({ samples: 3, cpuPercent: 1 });

    const stored = await storedSampleCount(prisma, serverId);
    const later = await retention.maintain(new Date(Date.now() + 31 * 86_400_000)); // past the default 30 days
    expect(later.deleted.blocks).toBeGreaterThanOrEqual(7);
    expect(await storedSampleCount(prisma, serverId)).toBe(0);
    expect(stored).toBeGreaterThan(0);
  });
});
