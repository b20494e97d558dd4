import { PrismaService } from '@pharos/database';
import type { ContainerView, DaemonDetailView, MetricHistoryReply } from '@pharos/protocol';
import { eventually } from './support/eventually';
import { FakeLightdDaemon } from './support/fake-lightd-daemon';
import { LightdEmulator } from './support/lightd-emulator';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

const API_TOKEN = 'lightd_4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d';

/** What each container's rolling one-hour gauge reads (Lightd v2 billing, tracker.rs). */
const GAUGES: Record<string, { memory_gb: number; cpu_vcpus: number; storage_gb: number; egress_gb: number; estimated_cost: number }> = {
  'mc-a': { memory_gb: 1.5, cpu_vcpus: 0.25, storage_gb: 0.5, egress_gb: 0.125, estimated_cost: 0.0225 },
  'mc-b': { memory_gb: 4, cpu_vcpus: 1, storage_gb: 2, egress_gb: 1, estimated_cost: 0.1 },
};

/**
 * Billing as usage: Lightd v2 posts one gauge per running container about every second (here
 * every 50 ms); Pharos keeps the latest on the container and samples the gauges into the
 * daemon's server's history — never adding a container's gauges up over time.
 */
describe('Lightd v2 billing as usage', () => {
  let pharos: RunningPharos;
  let prisma: PrismaService;
  let daemon: FakeLightdDaemon;
  let admin: string;
  let daemonId: string;
  let serverId: string;
  let remote: LightdEmulator;
  /** From then on, both containers' gauges are in (the first samples may hold one). */
  let settled: Date;

  beforeAll(async () => {
    pharos = await startPharos({ env: { LIGHTD_USAGE_SAMPLE_SECONDS: '0.2', LIGHTD_USAGE_RECENT_SECONDS: '30' } });
    prisma = pharos.app.get(PrismaService);
    admin = await pharos.login();
    const registered = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name: 'node-bill', apiUrl: 'http://127.0.0.1:9', apiToken: API_TOKEN } });
    daemonId = registered.body.daemon.id;
    serverId = registered.body.daemon.serverId;
    remote = new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: registered.body.remoteToken });
    daemon = await FakeLightdDaemon.start({ masterToken: API_TOKEN, remote: { url: `${pharos.baseUrl}/api/lightd`, token: registered.body.remoteToken }, postStartCheckMs: 10, billingIntervalMs: 50 });
    await daemon.install('mc-a', 10);
    await daemon.install('mc-b', 10);
  });
  afterAll(async () => {
    daemon.stopBilling();
    await pharos.close();
    await daemon.close();
  });

  it('shows each container\'s latest gauge and the daemon\'s sum at one instant, however many gauges came', async () => {
    const before = await prisma.lightdUpdate.count({ where: { daemonId } });
    daemon.startBilling((internalId) => GAUGES[internalId]!);
    // Many gauges per container arrive; what is shown is the gauge, not a total of them.
    await eventually(async () => expect(daemon.updatesSent.length).toBeGreaterThan(8 + 20));
    const one = (await pharos.request<{ items: ContainerView[] }>(`/api/v1/lightd/daemons/${daemonId}/containers`, { token: admin })).body.items.find((c) => c.internalId === 'mc-a')!;
    expect(one.usage).toMatchObject({ memoryGb: 1.5, cpuVcpus: 0.25, storageGb: 0.5, egressGb: 0.125, estimatedCost: 0.0225, running: true });
    expect(one.daemon.serverId).toBe(serverId);
    const detail = (await pharos.request<DaemonDetailView>(`/api/v1/lightd/daemons/${daemonId}`, { token: admin })).body;
    expect(detail.usage).toMatchObject({ containers: 2, memoryGb: 5.5, cpuVcpus: 1.25, storageGb: 2.5, egressGb: 1.125 });
    expect(detail.usage.estimatedCost).toBeCloseTo(0.1225, 10);
    // No billing event became a row of its own.
    expect(await prisma.lightdUpdate.count({ where: { daemonId } })).toBe(before);
    expect(await prisma.lightdUpdate.count({ where: { event: 'billing' } })).toBe(0);
    settled = new Date();
  });

  it('keeps per-container and per-daemon usage series in the daemon server\'s history, sampled, never summed over time', async () => {
    const series = 'container_memory_gb,container_cost,daemon_memory_gb,daemon_cost';
    const history = await eventually(async () => {
      const res = await pharos.request<MetricHistoryReply>(`/api/v1/servers/${serverId}/metrics?series=${series}&resolution=raw&from=${settled.toISOString()}`, { token: admin });
      expect(res.status).toBe(200);
      expect(res.body.timestamps.length).toBeGreaterThanOrEqual(3);
      return res.body;
    });
    expect(Object.keys(history.entities.container_memory_gb!).sort()).toEqual(['mc-a', 'mc-b']);
    const points = (values: (number | null)[]) => values.filter((v): v is number => v !== null);
    // Every sample holds the gauge as it stood (1.5 GiB), never a running total of gauges.
    expect(new Set(points(history.entities.container_memory_gb!['mc-a']!))).toEqual(new Set([1.5]));
    expect(new Set(points(history.entities.daemon_memory_gb!.all!))).toEqual(new Set([5.5]));
    expect(Math.max(...points(history.entities.daemon_cost!.all!))).toBeCloseTo(0.1225, 10);

    // One container's series alone (what its page charts), and the minute rollups agree.
    const only = await pharos.request<MetricHistoryReply>(`/api/v1/servers/${serverId}/metrics?series=container_cpu_vcpus&entity=mc-b&resolution=1m&from=${new Date(Date.now() - 600_000).toISOString()}`, { token: admin });
    expect(Object.keys(only.body.entities.container_cpu_vcpus!)).toEqual(['mc-b']);
    expect(new Set(points(only.body.entities.container_cpu_vcpus!['mc-b']!))).toEqual(new Set([1]));
    expect((await pharos.request(`/api/v1/servers/${serverId}/metrics?series=container_cost&entity=`, { token: admin })).body.field).toBe('entity');
  });

  it('lists the daemon as a server of the fleet, online as the daemon is, which takes no commands and is removed with the daemon', async () => {
    expect((await remote.healthCheck()).ok).toBe(true);
    await eventually(async () => expect((await pharos.request(`/api/v1/servers/${serverId}`, { token: admin })).body).toMatchObject({ source: 'lightd', name: 'node-bill', status: 'online' }));
    const fleet = await pharos.request('/api/v1/servers?source=lightd', { token: admin });
    expect(fleet.body.items.map((s: { id: string }) => s.id)).toEqual([serverId]);
    expect((await pharos.request('/api/v1/nodes', { token: admin })).body.items).toEqual([]);

    const command = await pharos.request(`/api/v1/servers/${serverId}/commands`, { token: admin, body: { command: 'uptime' } });
    expect(command.status).toBe(409);
    expect(command.body.message).toMatch(/reported by a Lightd daemon/);
    expect((await pharos.request(`/api/v1/servers/${serverId}/agent-keys`, { token: admin, body: {} })).status).toBe(409);
    expect((await pharos.request(`/api/v1/servers/${serverId}`, { method: 'PATCH', token: admin, body: { name: 'renamed' } })).status).toBe(409);
    expect((await pharos.request(`/api/v1/servers/${serverId}`, { method: 'PATCH', token: admin, body: { group: 'lightd' } })).status).toBe(200);
    expect((await pharos.request(`/api/v1/servers/${serverId}`, { method: 'DELETE', token: admin })).status).toBe(409);

    // Renaming the daemon renames its server; removing it removes the server and its history.
    expect((await pharos.request(`/api/v1/lightd/daemons/${daemonId}`, { method: 'PATCH', token: admin, body: { name: 'node-bill-2' } })).status).toBe(200);
    expect((await pharos.request(`/api/v1/servers/${serverId}`, { token: admin })).body.name).toBe('node-bill-2');
    daemon.stopBilling();
    expect((await pharos.request(`/api/v1/lightd/daemons/${daemonId}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await pharos.request(`/api/v1/servers/${serverId}`, { token: admin })).status).toBe(404);
    expect(await prisma.metricSample.count({ where: { serverId } })).toBe(0);
  });
});
