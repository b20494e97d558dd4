import { LIGHTD_HEALTH_ANSWER } from '@pharos/protocol';
import { randomBytes } from 'node:crypto';
import { FakeLightdConsole } from './fake-lightd-console';
import { containerInternalId, LIGHTD_FAILURES, lightdBodies } from './lightd-messages';
import { hashSeed, jittered, pick, round, seededRandom } from './random';
import { type FleetStats, noteError } from './stats';

export interface SimDaemonOptions {
  name: string;
  containers: number;
  healthIntervalMs: number;
  /** Mean time between two lifecycle events of one container. */
  lifecycleIntervalMs: number;
  /** Chance that an install or reinstall fails. */
  failureRate: number;
  stats: FleetStats;
}

/** A daemon before it is registered: its console (if any) must be up so its URL can be given. */
export interface PreparedDaemon {
  name: string;
  apiUrl: string;
  apiToken: string;
  console?: FakeLightdConsole;
  internalIds: string[];
}

/** Starts the daemon's fake container socket (or not) and names its containers. */
export async function prepareDaemon(name: string, containers: number, withConsole: boolean, consolePort = 0): Promise<PreparedDaemon> {
  const random = seededRandom(hashSeed(name));
  const internalIds = Array.from({ length: containers }, (_, i) => containerInternalId(name, i));
  const apiToken = `sim_${randomBytes(12).toString('hex')}`;
  if (!withConsole) return { name, apiUrl: 'http://127.0.0.1:9/', apiToken, internalIds };
  const console = await FakeLightdConsole.start(
    apiToken,
    internalIds.map((internalId) => ({ internalId, random })),
    consolePort,
  );
  return { name, apiUrl: console.apiUrl, apiToken, console, internalIds };
}

/**
 * One Lightd daemon as Pharos's remote sees it: `GET /health` every 30 s, and per container
 * the updates Lightd sends in its lifecycle — an install (`installing` twice, then `ready`),
 * now and then a reinstall, a failure (`error: failed` with details, then a reinstall) and
 * billing records. Each update is one request, sent once (Lightd does not retry).
 */
export class SimDaemon {
  private readonly random: () => number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private healthy = false;

  constructor(
    private readonly prepared: PreparedDaemon,
    private readonly remote: { url: string; token: string },
    private readonly options: SimDaemonOptions,
  ) {
    this.random = seededRandom(hashSeed(`${prepared.name}/remote`));
  }

  start(): void {
    void this.health();
    this.every(this.options.healthIntervalMs, () => this.health());
    for (const internalId of this.prepared.internalIds) {
      // Spread the first installs over a few seconds, as a daemon starting up would.
      this.after(this.random() * 3000, () => this.lifecycle(internalId, 'install'));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.healthy) this.options.stats.daemons.healthy--;
    this.healthy = false;
    await this.prepared.console?.close();
  }

  private async lifecycle(internalId: string, step: 'install' | 'reinstall' | 'fail' | 'bill'): Promise<void> {
    if (this.stopped) return;
    const fails = this.random() < this.options.failureRate;
    switch (step) {
      case 'install':
      case 'reinstall':
        await this.update(lightdBodies.status(internalId, 'installing'));
        if (step === 'install') await this.update(lightdBodies.status(internalId, 'installing'));
        await this.pause(500 + this.random() * 2000);
        if (fails) {
          const failure = pick(LIGHTD_FAILURES, this.random);
          await this.update(lightdBodies.error(internalId, failure.error, failure.data));
          // An operator (or Lightd's own policy) tries again a little later.
          this.after(jittered(this.options.lifecycleIntervalMs / 3, this.random, 0.5), () => this.lifecycle(internalId, 'reinstall'));
          return;
        }
        await this.update(lightdBodies.status(internalId, 'ready'));
        break;
      case 'bill':
        await this.update(
          lightdBodies.billing(internalId, {
            memory_gb: pick([1, 2, 4, 8], this.random),
            cpu_vcpus: pick([1, 2, 4], this.random),
            storage_gb: pick([10, 20, 50], this.random),
            egress_gb: round(this.random() * 3, 3),
            duration_hours: 1,
            estimated_cost: round(this.random() * 0.2, 4),
            timestamp: Math.floor(Date.now() / 1000),
          }),
        );
        break;
      default:
    }
    const next = this.random() < 0.7 ? 'bill' : 'reinstall';
    this.after(jittered(this.options.lifecycleIntervalMs, this.random, 0.5), () => this.lifecycle(internalId, next));
  }

  private async health(): Promise<void> {
    const { stats } = this.options;
    let ok = false;
    try {
      const res = await this.call('GET', '/health');
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

  private async update(body: string): Promise<void> {
    if (this.stopped) return;
    const { stats } = this.options;
    try {
      const res = await this.call('POST', '/update', body);
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      stats.daemons.updatesSent++;
    } catch (error) {
      if (this.stopped) return;
      stats.daemons.updatesFailed++;
      // Lightd logs and drops a failed update; so does the simulator.
      noteError(stats, `daemon ${this.prepared.name} update: ${(error as Error).message}`);
    }
  }

  private call(method: 'GET' | 'POST', path: string, body?: string): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.remote.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${this.remote.url}${path}`, { method, headers, body, signal: AbortSignal.timeout(10_000) });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
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
