import type { LiveMetricsData } from '@pharos/protocol';
import { MetricsService } from '../apps/server/src/fleet/metrics/metrics.service';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

function sample(serverId: string, at: Date, cpu: number): LiveMetricsData {
  return {
    server_id: serverId,
    source: 'agent',
    timestamp: at.toISOString(),
    cpu_percent: cpu,
    memory_percent: 40,
    disk_percent: 70,
    net_rx_bytes_per_sec: 1000,
    net_tx_bytes_per_sec: 500,
    disk_usage: [],
    network: [],
  };
}

describe('fleet sparklines', () => {
  let pharos: RunningPharos;
  let token: string;

  beforeAll(async () => {
    pharos = await startPharos();
    token = await pharos.login();
  });
  afterAll(() => pharos.close());

  it('answers recent buckets and the latest sample of each asked server in one request', async () => {
    const busy = (await pharos.request('/api/v1/servers', { token, body: { name: 'busy' } })).body.id as string;
    const silent = (await pharos.request('/api/v1/servers', { token, body: { name: 'silent' } })).body.id as string;
    const metrics = pharos.app.get(MetricsService);
    const now = Date.now();
    await metrics.record(busy, sample(busy, new Date(now - 5 * 60_000), 10));
    await metrics.record(busy, sample(busy, new Date(now - 2_000), 30));
    await metrics.record(busy, sample(busy, new Date(now - 1_000), 50));

    const res = await pharos.request(`/api/v1/metrics/sparklines?servers=${busy},${silent.toUpperCase()}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.stepSeconds).toBe(30);
    expect(res.body.timestamps).toHaveLength(30);
    const line = res.body.servers[busy];
    expect(line.latest).toMatchObject({ cpu_percent: 50, memory_percent: 40, disk_percent: 70, net_rx_bytes_per_sec: 1000 });
    const cpu = line.series.cpu_percent as (number | null)[];
    expect(cpu).toHaveLength(30);
    expect(cpu.filter((v) => v !== null)).toEqual(expect.arrayContaining([10]));
    expect(cpu[cpu.length - 1] ?? cpu[cpu.length - 2]).toBeGreaterThanOrEqual(30);
    expect(res.body.servers[silent]).toMatchObject({ latest: null });
    expect(res.body.servers[silent].series.cpu_percent.every((v: unknown) => v === null)).toBe(true);
  });

  it('refuses a list that is not server ids', async () => {
    const res = await pharos.request('/api/v1/metrics/sparklines?servers=abc', { token });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('servers');
    expect((await pharos.request('/api/v1/metrics/sparklines?servers=' + '0'.repeat(36))).status).toBe(401);
  });
});
