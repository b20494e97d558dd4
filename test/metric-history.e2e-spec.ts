import { PrismaService } from '@pharos/database';
import type { LiveMetricsData } from '@pharos/protocol';
import { MetricRetentionService } from '../apps/server/src/fleet/metrics/metric-retention.service';
import { MetricRollupsService } from '../apps/server/src/fleet/metrics/metric-rollups.service';
import { MetricsService } from '../apps/server/src/fleet/metrics/metrics.service';
import { startPharos, type RunningPharos } from './support/pharos-test-app';
import { storedSampleCount } from './support/stored-samples';

const DAY_MS = 86_400_000;
const STEP_S = 3;
const MONTH_DAYS = 30;
const SAMPLES = (MONTH_DAYS * 86_400) / STEP_S; // 864,000

/** The simulated node's CPU: a daily wave, as a function of the sample's epoch second. */
const cpuAt = (epochSeconds: number) => 50 + 40 * Math.sin((2 * Math.PI * epochSeconds) / 86_400);

/**
 * A month of a node's 3-second reports, written the way bulk imports are (one INSERT over
 * generate_series), not through 864,000 requests: headline columns plus an interface and a
 * sensor as per-entity series. Returns the rows written.
 */
async function simulateMonth(prisma: PrismaService, serverId: string, from: Date): Promise<number> {
  return prisma.$executeRawUnsafe(
    `INSERT INTO "MetricSample" ("serverId", "at", "cpuPercent", "memoryPercent", "load1", "tcpCount", "series")
     SELECT $1::uuid, s.at,
            50 + 40 * sin(2 * pi() * extract(epoch FROM s.at) / 86400),
            30 + 40 * n::double precision / $3,
            1.5,
            1000 + n % 100,
            jsonb_build_object('iface_rx_bytes_per_sec', jsonb_build_object('eth0', 1000 + n % 600),
                               'temp_c', jsonb_build_object('k10temp/Tctl', 40 + n % 20))
       FROM generate_series(0, $3 - 1) AS n,
            LATERAL (SELECT $2::timestamptz + make_interval(secs => n * ${STEP_S}) AS at) AS s`,
    serverId,
    from.toISOString(),
    SAMPLES,
  );
}

describe('metric history over a simulated month', () => {
  let pharos: RunningPharos;
  let token: string;
  let prisma: PrismaService;
  let metrics: MetricsService;
  let rollups: MetricRollupsService;
  let retention: MetricRetentionService;
  let nodeId: string;
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const monthStart = new Date(today - MONTH_DAYS * DAY_MS);
  const monthEnd = new Date(today);

  beforeAll(async () => {
    pharos = await startPharos({ env: { METRICS_RAW_RETENTION_DAYS: '40', METRICS_MINUTE_RETENTION_DAYS: '35' } });
    token = await pharos.login();
    prisma = pharos.app.get(PrismaService);
    metrics = pharos.app.get(MetricsService);
    rollups = pharos.app.get(MetricRollupsService);
    retention = pharos.app.get(MetricRetentionService);
    const created = await pharos.request('/api/v1/nodes', { token, body: { name: 'month-node' } });
    nodeId = created.body.node.id;
  });
  afterAll(() => pharos.close());

  it('keeps raw samples in one partition per day, from yesterday to days ahead (older days are compacted into blocks)', async () => {
    await retention.maintain(); // the start-up pass runs in the background; this one follows it
    const days = (await retention.dayPartitions()).map((p) => p.day.getTime());
    expect(days).toEqual([-1, 0, 1, 2, 3].map((d) => today + d * DAY_MS));
    expect(days).toHaveLength(new Set(days).size);
  });

  it('stores reports and series with lz4 compression where PostgreSQL has it, day partitions included', async () => {
    const [{ lz4 }] = await prisma.$queryRawUnsafe<{ lz4: boolean }[]>(`SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`);
    const compression = await prisma.$queryRawUnsafe<{ tbl: string; col: string; method: string }[]>(
      `SELECT c.relname AS tbl, a.attname AS col, a.attcompression::text AS method FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE (c.relname IN ('NodeSnapshot', 'MetricRollup1m', 'MetricRollup1h') OR c.relname LIKE 'MetricSample%')
          AND a.attname IN ('payload', 'series', 'valueCounts', 'seriesCounts') AND c.relkind IN ('r', 'p')`,
    );
    // Every day partition (those made at start and those made since) and every listed column.
    expect(compression.length).toBeGreaterThanOrEqual(8 + (await retention.dayPartitions()).length);
    for (const column of compression) expect({ ...column, method: column.method === 'l' }).toEqual({ ...column, method: lz4 });
  });

  it('runs its statements without JIT compilation, on every connection of the pool', async () => {
    // The rollup statements' estimates (per-entity series via jsonb_each) would have each one
    // compiled, at a second of CPU per statement.
    const settings = await Promise.all(Array.from({ length: 12 }, () => prisma.queryDirect<{ jit: string }>('SHOW jit', [])));
    expect(settings.map(([row]) => row!.jit)).toEqual(settings.map(() => 'off'));
    const [{ jit }] = await prisma.$queryRawUnsafe<{ jit: string }[]>('SHOW jit');
    expect(jit).toBe('off');
  });

  it('rolls a month of 3-second reports up into minutes and hours, compacts it, and charts it from 720 hour rows', async () => {
    expect(await simulateMonth(prisma, nodeId, monthStart)).toBe(SAMPLES);
    await rollups.rebuild(monthStart, monthEnd, nodeId);

    expect(await prisma.metricSample.count({ where: { serverId: nodeId } })).toBe(0);
    expect(await prisma.metricBlock.count({ where: { serverId: nodeId } })).toBe(MONTH_DAYS * 1440);
    expect(await prisma.metricRollup1m.count({ where: { serverId: nodeId } })).toBe(MONTH_DAYS * 1440);
    const hours = await prisma.metricRollup1h.findMany({ where: { serverId: nodeId }, orderBy: { bucket: 'asc' } });
    expect(hours).toHaveLength(MONTH_DAYS * 24);
    expect(hours.every((h) => h.samples === 1200)).toBe(true);
    // Each hour's average is the mean of its 1,200 samples; its maximum their maximum.
    for (const h of [hours[0], hours[7], hours[500]]) {
      const seconds = Array.from({ length: 1200 }, (_, i) => h.bucket.getTime() / 1000 + i * STEP_S);
      expect(h.cpuPercent).toBeCloseTo(seconds.reduce((a, s) => a + cpuAt(s), 0) / 1200, 9);
      expect(h.cpuPercentMax).toBeCloseTo(Math.max(...seconds.map(cpuAt)), 9);
      expect(h.tcpCount).toBeCloseTo(1049.5, 9);
      expect(h.series).toEqual({ iface_rx_bytes_per_sec: { eth0: 1299.5 }, temp_c: { 'k10temp/Tctl': 49.5 } });
    }

    const month = await pharos.request(
      `/api/v1/nodes/${nodeId}/metrics?series=cpu_percent,memory_percent,iface_rx_bytes_per_sec&from=${monthStart.toISOString()}&to=${monthEnd.toISOString()}&points=1000`,
      { token },
    );
    expect(month.status).toBe(200);
    expect(month.body).toMatchObject({ resolution: '1h', stepSeconds: 3600 });
    expect(month.body.timestamps).toHaveLength(720);
    expect(month.body.series.cpu_percent[7]).toBeCloseTo(hours[7].cpuPercent!, 9);
    // Memory grew linearly from 30 % to 70 % over the month.
    expect(month.body.series.memory_percent[0]).toBeCloseTo(30, 1);
    expect(month.body.series.memory_percent[719]).toBeCloseTo(70, 1);
    expect(month.body.entities.iface_rx_bytes_per_sec.eth0.every((v: number) => v === 1299.5)).toBe(true);

    const week = await pharos.request(
      `/api/v1/nodes/${nodeId}/metrics?series=cpu_percent,temp_c&from=${new Date(today - 7 * DAY_MS).toISOString()}&to=${monthEnd.toISOString()}&points=500`,
      { token },
    );
    expect(week.body).toMatchObject({ resolution: '1m', stepSeconds: 1260 });
    expect(week.body.timestamps).toHaveLength(480);
    expect(week.body.entities.temp_c['k10temp/Tctl'][0]).toBeCloseTo(49.5, 9);

    const hourFrom = new Date(today - 3600_000);
    const lastHour = await pharos.request(
      `/api/v1/nodes/${nodeId}/metrics?series=cpu_percent,load1&from=${hourFrom.toISOString()}&to=${monthEnd.toISOString()}&points=600`,
      { token },
    );
    expect(lastHour.body).toMatchObject({ resolution: 'raw', stepSeconds: 6 });
    expect(lastHour.body.timestamps).toHaveLength(600);
    expect(lastHour.body.series.cpu_percent[0]).toBeCloseTo((cpuAt(hourFrom.getTime() / 1000) + cpuAt(hourFrom.getTime() / 1000 + 3)) / 2, 9);

    // The whole month from the raw samples (their blocks), when asked for.
    const rawMonth = await pharos.request(
      `/api/v1/nodes/${nodeId}/metrics?series=cpu_percent&from=${monthStart.toISOString()}&to=${monthEnd.toISOString()}&points=720&resolution=raw`,
      { token },
    );
    expect(rawMonth.body).toMatchObject({ resolution: 'raw', stepSeconds: 3600 });
    expect(rawMonth.body.series.cpu_percent[500]).toBeCloseTo(hours[500].cpuPercent!, 9);
  }, 180_000); // rolling up and compacting 864,000 samples takes a while on a shared 2-core machine

  it('keeps the rollups it maintains on write equal to rollups rebuilt from the raw samples', async () => {
    const created = await pharos.request('/api/v1/servers', { token, body: { name: 'rollup-check' } });
    const id = created.body.id as string;
    const start = new Date(today - 2 * 3600_000);
    for (let i = 0; i < 150; i++) {
      const sample: LiveMetricsData = {
        server_id: id,
        source: 'agent',
        timestamp: new Date(start.getTime() + i * 7_000).toISOString(),
        cpu_percent: (i * 37) % 100,
        memory_percent: 40 + (i % 9),
        ...(i % 5 === 0 ? {} : { max_temp_c: 30 + (i % 13) }),
        disk_usage: [],
        network: [],
      };
      // Interfaces come and go: eth1 is there for a few samples only.
      await metrics.record(id, sample, { iface_rx_bytes_per_sec: { eth0: i * 10, ...(i % 4 === 0 ? { eth1: i } : {}) } });
    }
    const written = await prisma.metricRollup1m.findMany({ where: { serverId: id }, orderBy: { bucket: 'asc' } });
    const writtenHours = await prisma.metricRollup1h.findMany({ where: { serverId: id }, orderBy: { bucket: 'asc' } });
    await rollups.rebuild(start, new Date(start.getTime() + 150 * 7_000), id);
    const rebuilt = await prisma.metricRollup1m.findMany({ where: { serverId: id }, orderBy: { bucket: 'asc' } });
    const rebuiltHours = await prisma.metricRollup1h.findMany({ where: { serverId: id }, orderBy: { bucket: 'asc' } });

    expect(rebuilt.map((r) => [r.bucket.getTime(), r.samples])).toEqual(written.map((r) => [r.bucket.getTime(), r.samples]));
    rebuilt.forEach((r, i) => {
      expect(r.cpuPercent).toBeCloseTo(written[i].cpuPercent!, 9);
      expect(r.cpuPercentMax).toBe(written[i].cpuPercentMax);
      expect(r.maxTempC).toBeCloseTo(written[i].maxTempC!, 9);
      expect(r.valueCounts).toEqual(written[i].valueCounts);
      expect(r.seriesCounts).toEqual(written[i].seriesCounts);
      for (const iface of Object.keys((written[i].series as any).iface_rx_bytes_per_sec)) {
        expect((r.series as any).iface_rx_bytes_per_sec[iface]).toBeCloseTo((written[i].series as any).iface_rx_bytes_per_sec[iface], 9);
      }
    });
    // An interface seen in a few samples averages over those, not over the whole bucket.
    const hour = writtenHours[0];
    const eth1 = Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 4 === 0);
    expect((hour.series as any).iface_rx_bytes_per_sec.eth1).toBeCloseTo(eth1.reduce((a, b) => a + b, 0) / eth1.length, 9);
    expect((hour.seriesCounts as any).iface_rx_bytes_per_sec).toEqual({ eth0: 150, eth1: eth1.length });
    expect((hour.valueCounts as any).maxTempC).toBe(120);
    expect(rebuiltHours.map((h) => h.samples)).toEqual(writtenHours.map((h) => h.samples));
    rebuiltHours.forEach((h, i) => {
      expect(h.memoryPercent).toBeCloseTo(writtenHours[i].memoryPercent!, 9);
      expect(h.maxTempC).toBeCloseTo(writtenHours[i].maxTempC!, 9);
    });
  });

  it('drops the blocks of raw days past retention whole, trims rollups past theirs, and keeps stray samples until their day goes', async () => {
    const storedBefore = await storedSampleCount(prisma, nodeId);
    // A clock years behind, and one a week ahead (past the days made in advance).
    const stale = new Date('2019-06-01T00:00:00Z');
    const ahead = new Date(today + 8 * DAY_MS + 3600_000);
    for (const at of [stale, ahead]) {
      await metrics.record(nodeId, { server_id: nodeId, source: 'ithiltir', timestamp: at.toISOString(), cpu_percent: 1, memory_percent: 1, disk_usage: [], network: [] });
    }
    const partitionOf = async (at: Date) =>
      (await prisma.$queryRawUnsafe<{ p: string }[]>(`SELECT tableoid::regclass::text AS p FROM "MetricSample" WHERE "serverId" = $1::uuid AND "at" = $2::timestamptz`, nodeId, at.toISOString()))[0]?.p;
    expect(await partitionOf(ahead)).toBe('"MetricSample_default"');

    // Fifteen days later: raw samples older than 40 days go (the month's first 5 days, in
    // blocks since the rebuild compacted them), the minute rollups keep 35 days, the hour
    // rollups all of it. The sample from a clock ahead waits in the default partition (only
    // the days from yesterday on have one).
    const later = new Date(Date.now() + 15 * DAY_MS);
    const result = await retention.maintain(later);
    expect(result.deleted.blocks).toBe(5 * 1440);
    expect(await partitionOf(stale)).toBeUndefined();
    expect(await partitionOf(ahead)).toBe('"MetricSample_default"');
    expect(await storedSampleCount(prisma, nodeId)).toBe(storedBefore - 5 * 28_800 + 1);
    const cutoff = new Date(later.getTime() - 35 * DAY_MS);
    expect(await prisma.metricRollup1m.count({ where: { serverId: nodeId, bucket: { lt: cutoff } } })).toBe(0);
    expect(await prisma.metricRollup1m.count({ where: { serverId: nodeId } })).toBeGreaterThan(0);
    expect(await prisma.metricRollup1h.count({ where: { serverId: nodeId, bucket: { lt: monthEnd } } })).toBe(720);
  });
});
