import { AdminClient, eachLimited, type EnrolledDaemon } from './admin-client';
import { prepareDaemon, type PreparedDaemon, SimDaemon } from './sim-daemon';
import { SimAgent } from './sim-agent';
import { SimNode } from './sim-node';
import { emptyStats, type FleetStats } from './stats';

export interface FleetOptions {
  /** Pharos's base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  adminUsername?: string;
  adminPassword: string;
  agents?: number;
  daemons?: number;
  nodes?: number;
  /** Containers each daemon runs (default 3). */
  containersPerDaemon?: number;
  /** Agents' metrics interval (default 5 s, as the agent protocol's agents). */
  agentIntervalSeconds?: number;
  /** Lightd's health-check interval (default 30 s). */
  healthIntervalSeconds?: number;
  /** Mean time between two lifecycle events of a container (default 45 s). */
  lifecycleIntervalSeconds?: number;
  /** Chance an install fails (default 0.1). */
  failureRate?: number;
  /** Containers print console lines and stats on their daemon's sockets (default true). */
  console?: boolean;
  /** First port of the daemons' APIs (daemon i listens on port + i); default: any free port. */
  consolePort?: number;
  /** Prefix of every name the fleet creates in Pharos (default `sim-<random>`), so runs do not mix. */
  namePrefix?: string;
  /** Nodes' report interval (default 3 s, Ithiltir's default). */
  nodeIntervalSeconds?: number;
  /** Enrolment requests in flight at once (default 8). */
  enrolConcurrency?: number;
  /** Told what the fleet is doing while it enrols. */
  onProgress?: (message: string) => void;
}

export interface Fleet {
  readonly stats: FleetStats;
  readonly agents: { serverId: string; hostname: string }[];
  readonly daemons: { daemonId: string; name: string; apiUrl: string; internalIds: string[] }[];
  readonly nodes: { serverId: string; name: string }[];
  /** Stops every member (sockets closed, timers cleared, fake consoles closed). */
  stop(): Promise<void>;
}

/**
 * Plays a fleet against a running Pharos: enrols every member through the admin API (with the
 * given admin's credentials), then starts them. Resolves once every member is enrolled and
 * started (agents connect and daemons report in the background).
 */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const baseUrl = options.url.replace(/\/+$/, '');
  const wsUrl = baseUrl.replace(/^http/, 'ws');
  const prefix = options.namePrefix ?? `sim-${Math.random().toString(36).slice(2, 6)}`;
  const concurrency = options.enrolConcurrency ?? 8;
  const progress = options.onProgress ?? (() => undefined);
  const stats = emptyStats();
  const admin = new AdminClient(baseUrl, options.adminUsername ?? 'admin', options.adminPassword);
  await admin.login();

  const stoppers: (() => Promise<void>)[] = [];
  const fleet = {
    stats,
    agents: [] as Fleet['agents'],
    daemons: [] as Fleet['daemons'],
    nodes: [] as Fleet['nodes'],
    async stop() {
      await Promise.all(stoppers.splice(0).map((stop) => stop().catch(() => undefined)));
    },
  };
  const pad = (i: number, n: number) => String(i + 1).padStart(String(n).length, '0');

  try {
    const agentCount = options.agents ?? 0;
    if (agentCount > 0) {
      progress(`enrolling ${agentCount} agents`);
      const names = Array.from({ length: agentCount }, (_, i) => `${prefix}-agent-${pad(i, agentCount)}`);
      const enrolled = await eachLimited(names, concurrency, (name) => admin.enrolAgent(name, `${prefix}-agents`));
      stats.agents.total = agentCount;
      enrolled.forEach(({ serverId, apiKey }, i) => {
        const agent = new SimAgent({ wsUrl, apiKey, hostname: names[i]!, metricsIntervalMs: (options.agentIntervalSeconds ?? 5) * 1000, stats });
        fleet.agents.push({ serverId, hostname: names[i]! });
        stoppers.push(() => agent.stop());
        agent.start();
      });
    }

    const daemonCount = options.daemons ?? 0;
    if (daemonCount > 0) {
      progress(`registering ${daemonCount} Lightd daemons`);
      const containers = options.containersPerDaemon ?? 3;
      const withConsole = options.console ?? true;
      const names = Array.from({ length: daemonCount }, (_, i) => `${prefix}-lightd-${pad(i, daemonCount)}`);
      const enrolled = await eachLimited(names, concurrency, async (name, i): Promise<[PreparedDaemon, EnrolledDaemon]> => {
        const prepared = await prepareDaemon(name, containers, options.consolePort ? options.consolePort + i : 0);
        stoppers.push(() => prepared.daemon.close());
        return [prepared, await admin.enrolDaemon(name, prepared.apiUrl, prepared.apiToken)];
      });
      stats.daemons.total = daemonCount;
      for (const [prepared, daemon] of enrolled) {
        const sim = new SimDaemon(prepared, { url: daemon.remoteUrl, token: daemon.remoteToken }, {
          name: prepared.name,
          healthIntervalMs: (options.healthIntervalSeconds ?? 30) * 1000,
          lifecycleIntervalMs: (options.lifecycleIntervalSeconds ?? 45) * 1000,
          failureRate: options.failureRate ?? 0.1,
          console: withConsole,
          stats,
        });
        fleet.daemons.push({ daemonId: daemon.daemonId, name: prepared.name, apiUrl: prepared.apiUrl, internalIds: prepared.internalIds });
        stoppers.push(() => sim.stop());
        sim.start();
      }
      const daemons = enrolled.map(([p]) => p.daemon);
      Object.defineProperty(stats.daemons, 'consoleClients', { enumerable: true, get: () => daemons.reduce((n, d) => n + d.clients, 0) });
    }

    const nodeCount = options.nodes ?? 0;
    if (nodeCount > 0) {
      progress(`creating ${nodeCount} Ithiltir nodes`);
      const names = Array.from({ length: nodeCount }, (_, i) => `${prefix}-node-${pad(i, nodeCount)}`);
      const enrolled = await eachLimited(names, concurrency, (name) => admin.enrolNode(name, `${prefix}-nodes`));
      stats.nodes.total = nodeCount;
      enrolled.forEach(({ serverId, secret }, i) => {
        const node = new SimNode({ baseUrl, secret, hostname: names[i]!, intervalMs: (options.nodeIntervalSeconds ?? 3) * 1000, stats });
        fleet.nodes.push({ serverId, name: names[i]! });
        stoppers.push(() => node.stop());
        node.start();
      });
    }
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  progress('fleet started');
  return fleet;
}
