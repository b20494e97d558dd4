import { LIGHTD_HEALTH_ANSWER } from '@pharos/protocol';
import { randomBytes } from 'node:crypto';
import { FakeLightdDaemon, type RemoteAnswer } from './fake-lightd-daemon';
import { containerInternalId, LIGHTD_FAILURES } from './lightd-messages';
import { hashSeed, jittered, pick, seededRandom, Walk } from './random';
import { type FleetStats, noteError } from './stats';

export interface SimDaemonOptions {
  name: string;
  healthIntervalMs: number;
  /** Mean time between two lifecycle events (a reinstall, a failure) of one container. */
  lifecycleIntervalMs: number;
  /** Chance that an install or reinstall fails. */
  failureRate: number;
  /** Containers print lines and report stats on their sockets (the consoles of the demo). */
  console: boolean;
  stats: FleetStats;
}

/** A daemon before it is registered: its API must be up so its URL can be given. */
export interface PreparedDaemon {
  name: string;
  apiUrl: string;
  /** Lightd's master token (`authorization.token`), which Pharos is given. */
  apiToken: string;
  daemon: FakeLightdDaemon;
  internalIds: string[];
}

const CHATTER = [
  '[Server thread/INFO]: Saving the game (this may take a moment!)',
  '[Server thread/INFO]: Saved the game',
  '[Server thread/INFO]: Player joined the game',
  '[Server thread/INFO]: Player left the game',
  '[Server thread/WARN]: Can\'t keep up! Is the server overloaded? Running 2041ms behind',
  '[Worker-Main-3/INFO]: Preparing spawn area: 84%',
];

/** Starts the daemon's API (a Lightd v2 fake) and names its containers. */
export async function prepareDaemon(name: string, containers: number, port = 0): Promise<PreparedDaemon> {
  const internalIds = Array.from({ length: containers }, (_, i) => containerInternalId(name, i));
  const apiToken = `lightd_${randomBytes(16).toString('hex')}`;
  const daemon = await FakeLightdDaemon.start({ masterToken: apiToken, port, postStartCheckMs: 2000, billingIntervalMs: 1000 });
  return { name, apiUrl: daemon.apiUrl, apiToken, daemon, internalIds };
}

/** What one container's billing gauge and console do, wandering smoothly. */
interface SimContainer {
  internalId: string;
  memoryGb: Walk;
  cpuVcpus: Walk;
  egressGb: number;
}

/**
 * One Lightd v2 daemon as Pharos sees it (docs/protocols/lightd-remote.md): `GET /health`
 * every 30 s; per container the lifecycle Lightd's code reports — an install (installing,
 * installing, ready, and installing again from the post-start check), now and then a
 * reinstall or a failure — and one billing gauge a second while it runs; and on its own API
 * the container sockets the console proxy opens (minted tokens, args frames, each line once
 * per connection ever made). Each update is one request, sent once (Lightd does not retry).
 */
export class SimDaemon {
  private readonly random: () => number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly containers: SimContainer[];
  private stopped = false;
  private healthy = false;

  constructor(
    private readonly prepared: PreparedDaemon,
    private readonly remote: { url: string; token: string },
    private readonly options: SimDaemonOptions,
  ) {
    this.random = seededRandom(hashSeed(`${prepared.name}/remote`));
    this.containers = prepared.internalIds.map((internalId) => {
      const random = seededRandom(hashSeed(internalId));
      return { internalId, memoryGb: new Walk(random, 0.25, 4, 0.05), cpuVcpus: new Walk(random, 0.05, 2, 0.05), egressGb: random() * 2 };
    });
  }

  start(): void {
    const { daemon } = this.prepared;
    daemon.remote = this.remote;
    daemon.onUpdate = (outcome) => this.counted(outcome);
    void this.health();
    this.every(this.options.healthIntervalMs, () => this.health());
    const byId = new Map(this.containers.map((c) => [c.internalId, c]));
    daemon.startBilling((internalId) => this.gauge(byId.get(internalId)!));
    for (const container of this.containers) {
      // Spread the first installs over a few seconds, as a daemon starting up would.
      this.after(this.random() * 3000, () => this.install(container.internalId));
      if (this.options.console) this.animate(container.internalId);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.healthy) this.options.stats.daemons.healthy--;
    this.healthy = false;
    await this.prepared.daemon.close();
  }

  /** Install (or reinstall), failing now and then; then the next lifecycle event, later. */
  private async install(internalId: string, reinstall = false): Promise<void> {
    if (this.stopped) return;
    const { daemon } = this.prepared;
    const installMs = 500 + this.random() * 2000;
    if (this.random() < this.options.failureRate) {
      await daemon.failInstall(internalId, pick(LIGHTD_FAILURES, this.random).data, installMs).catch(() => undefined);
      // An operator (or a panel's policy) tries again a little later.
      this.after(jittered(this.options.lifecycleIntervalMs / 3, this.random, 0.5), () => this.install(internalId, true));
      return;
    }
    await (reinstall ? daemon.reinstall(internalId, installMs) : daemon.install(internalId, installMs)).catch(() => undefined);
    this.after(jittered(this.options.lifecycleIntervalMs, this.random, 0.5), () => this.install(internalId, true));
  }

  /** A billing gauge: means over the last hour (tracker.rs), at Lightd's default rates. */
  private gauge(container: SimContainer) {
    const memory_gb = container.memoryGb.next();
    const cpu_vcpus = container.cpuVcpus.next();
    container.egressGb += this.random() * 0.0005;
    const storage_gb = 0.2 + memory_gb / 10;
    const estimated_cost = memory_gb * 0.01 + cpu_vcpus * 0.02 + storage_gb * 0.0001 + container.egressGb * 0.05;
    return { memory_gb, cpu_vcpus, storage_gb, egress_gb: container.egressGb, estimated_cost };
  }

  /** The container's console and stats, for whoever watches it. */
  private animate(internalId: string): void {
    const { daemon } = this.prepared;
    const random = seededRandom(hashSeed(`${internalId}/console`));
    const memory = new Walk(random, 3e8, 1.8e9, 5e7);
    let rx = 0;
    let tx = 0;
    let uptime = 0;
    this.every(3000 + random() * 4000, () => {
      const container = daemon.containers.get(internalId);
      if (container?.running) daemon.print(internalId, `[${new Date().toISOString().slice(11, 19)}] ${pick(CHATTER, random)}`);
    });
    this.every(2000, () => {
      const container = daemon.containers.get(internalId);
      if (!container?.running) return;
      rx += random() * 50_000;
      tx += random() * 80_000;
      uptime += 2;
      daemon.stats(internalId, {
        memory_bytes: Math.round(memory.next()),
        memory_limit_bytes: 2_147_483_648,
        cpu_absolute: Math.round(random() * 15_000) / 100,
        network: { rx_bytes: Math.round(rx), tx_bytes: Math.round(tx) },
        uptime,
        state: 'running',
        disk_bytes: 0,
      });
    });
  }

  private counted(outcome: RemoteAnswer | Error): void {
    if (this.stopped) return;
    const { stats } = this.options;
    if (!(outcome instanceof Error) && outcome.status >= 200 && outcome.status < 300) {
      stats.daemons.updatesSent++;
      return;
    }
    stats.daemons.updatesFailed++;
    // Lightd logs and drops a failed update; so does the simulator.
    noteError(stats, `daemon ${this.prepared.name} update: ${outcome instanceof Error ? outcome.message : `HTTP ${outcome.status}`}`);
  }

  private async health(): Promise<void> {
    const { stats } = this.options;
    let ok = false;
    try {
      const res = await fetch(`${this.remote.url}/health`, { headers: { authorization: `Bearer ${this.remote.token}` }, signal: AbortSignal.timeout(10_000) });
      const body = (await res.json().catch(() => null)) as typeof LIGHTD_HEALTH_ANSWER | null;
      ok = res.ok && body?.status === 200 && body.endpoint === 'active';
    } catch (error) {
      if (!this.stopped) noteError(stats, `daemon ${this.prepared.name} health: ${(error as Error).message}`);
    }
    if (this.stopped) return;
    stats.daemons.healthChecks++;
    if (ok !== this.healthy) stats.daemons.healthy += ok ? 1 : -1;
    this.healthy = ok;
  }

  private after(ms: number, work: () => unknown): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void work();
    }, ms);
    this.timers.add(timer);
  }

  private every(ms: number, work: () => unknown): void {
    const tick = () => {
      void work();
      this.after(ms, tick);
    };
    this.after(ms, tick);
  }
}
