import { PrismaService } from '@pharos/database';
import { type Fleet, startFleet } from '../apps/simulator/src';
import { eventually } from './support/eventually';
import { startPharos, type RunningPharos, TEST_ADMIN_PASSWORD } from './support/pharos-test-app';

describe('the fleet simulator against a real Pharos', () => {
  let pharos: RunningPharos;
  let fleet: Fleet | undefined;

  beforeAll(async () => {
    pharos = await startPharos();
  });
  afterAll(async () => {
    await fleet?.stop();
    await pharos.close();
  });

  it('enrols agents, Lightd daemons and Ithiltir nodes through the admin API, and their reports are stored', async () => {
    fleet = await startFleet({
      url: pharos.baseUrl,
      adminPassword: TEST_ADMIN_PASSWORD,
      namePrefix: 'e2e-sim',
      agents: 3,
      daemons: 2,
      containersPerDaemon: 2,
      nodes: 2,
      agentIntervalSeconds: 0.3,
      healthIntervalSeconds: 0.5,
      lifecycleIntervalSeconds: 0.5,
      nodeIntervalSeconds: 0.3,
      failureRate: 0,
    });
    expect(fleet.agents).toHaveLength(3);
    expect(fleet.daemons).toHaveLength(2);
    expect(fleet.nodes).toHaveLength(2);
    const prisma = pharos.app.get(PrismaService);

    // Servers: the agents, the nodes and the Lightd daemons, under the fleet's names.
    const servers = await prisma.server.findMany({ where: { name: { startsWith: 'e2e-sim-' } }, select: { id: true, name: true } });
    expect(servers.map((s) => s.name).sort()).toEqual([
      'e2e-sim-agent-1',
      'e2e-sim-agent-2',
      'e2e-sim-agent-3',
      'e2e-sim-lightd-1',
      'e2e-sim-lightd-2',
      'e2e-sim-node-1',
      'e2e-sim-node-2',
    ]);

    // Every agent and node has samples stored; every daemon's containers have appeared.
    const members = [...fleet.agents.map((a) => a.serverId), ...fleet.nodes.map((n) => n.serverId)];
    await eventually(async () => {
      for (const serverId of members) expect(await prisma.metricSample.count({ where: { serverId } })).toBeGreaterThanOrEqual(2);
    }, 10_000);
    // Every daemon's containers have appeared, installed (Lightd v2's four steps end ready), and bill.
    await eventually(async () => {
      for (const daemon of fleet!.daemons) {
        const containers = await prisma.lightdContainer.findMany({ where: { daemonId: daemon.daemonId }, select: { internalId: true, status: true, usageReceivedAt: true } });
        expect(containers.map((c) => c.internalId).sort()).toEqual([...daemon.internalIds].sort());
        expect(containers.every((c) => c.status === 'ready' && c.usageReceivedAt !== null)).toBe(true);
      }
    }, 15_000);
    expect(fleet.stats.errors).toEqual([]);
    expect(await prisma.nodeStatic.count({ where: { serverId: { in: fleet.nodes.map((n) => n.serverId) } } })).toBe(2);

    const { stats } = fleet;
    expect(stats.agents.connected).toBe(3);
    expect(stats.nodes.reporting).toBe(2);
    expect(stats.nodes.reportsFailed).toBe(0);
    expect(stats.daemons.updatesSent).toBeGreaterThan(0);
    expect(stats.daemons.updatesFailed).toBe(0);
  }, 30_000);
});
