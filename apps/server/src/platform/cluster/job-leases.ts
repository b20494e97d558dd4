import { type BeforeApplicationShutdown, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { PharosConfig } from '../config/pharos-config';
import { type PeriodicTask, startPeriodic } from '../runtime/periodic-task';
import { RedisConnection } from './redis-connection';

/** Takes the lease when free, or renews it when this instance holds it: 1 when held after. */
const ACQUIRE_OR_RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** What an instance says about one job: does it hold the job's lease, and how often it ran here. */
export interface JobState {
  held: boolean;
  runs: number;
}

/**
 * One runner per job across the cluster. A job that must run once (the command expiry sweep,
 * the retention pass, the Lightd offline sweep and usage sampler) asks for a lease by name; the
 * instance holding it renews it every third of `CLUSTER_LEASE_SECONDS` and runs the job, the
 * others try to take it on the same beat. When the holder dies its lease runs out and another
 * instance takes the job over within the lease time; one that shuts down hands it back at once.
 * Without cluster mode every lease is held: the job runs as it always did.
 */
@Injectable()
export class JobLeases implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobLeases.name);
  private readonly jobs = new Map<string, JobState>();
  private timer?: NodeJS.Timeout;
  private renewing?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly redis: RedisConnection,
    private readonly config: PharosConfig,
  ) {}

  onModuleInit(): void {
    if (!this.redis.clustered) return;
    this.timer = setInterval(() => void this.renew(), Math.max((this.config.cluster.leaseSeconds * 1000) / 3, 100));
    this.timer.unref();
  }

  /** True while this instance may run the job `name` (always, without cluster mode). */
  holds(name: string): boolean {
    return this.state(name).held;
  }

  /** Every job this instance knows of, with whether it holds it and how often it ran here. */
  snapshot(): Record<string, JobState> {
    return Object.fromEntries([...this.jobs].map(([name, state]) => [name, { ...state }]));
  }

  /**
   * `startPeriodic`, run only while this instance holds the job's lease: every instance starts
   * the task, one runs it.
   */
  every(name: string, intervalMs: number, work: () => Promise<unknown>, onError: (error: unknown) => void): PeriodicTask {
    const state = this.state(name);
    if (this.redis.clustered) void this.renew();
    return startPeriodic(
      intervalMs,
      () => {
        state.runs++;
        return work();
      },
      onError,
      { onlyWhen: () => state.held },
    );
  }

  // Before the Redis connection closes (its onApplicationShutdown); the jobs stopped with their modules.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (!this.redis.clustered) return;
    await this.renewing;
    const held = [...this.jobs].filter(([, state]) => state.held).map(([name]) => name);
    for (const state of this.jobs.values()) state.held = false;
    await Promise.all(held.map((name) => this.redis.client.eval(RELEASE, 1, this.leaseKey(name), this.redis.instanceId).catch(() => undefined)));
  }

  private state(name: string): JobState {
    let state = this.jobs.get(name);
    if (!state) this.jobs.set(name, (state = { held: !this.redis.clustered, runs: 0 }));
    return state;
  }

  private leaseKey(name: string): string {
    return this.redis.key('lease', name);
  }

  /** Renews the leases held and tries to take the others (one round trip, pipelined). */
  private renew(): Promise<void> {
    this.renewing ??= (async () => {
      const leaseMs = String(Math.round(this.config.cluster.leaseSeconds * 1000));
      const names = [...this.jobs.keys()];
      const results = await Promise.all(
        names.map((name) =>
          this.redis.client.eval(ACQUIRE_OR_RENEW, 1, this.leaseKey(name), this.redis.instanceId, leaseMs).then(
            (held) => held === 1,
            (error: unknown) => {
              this.logger.warn({ err: error, job: name }, 'could not renew a job lease');
              return false; // unsure: better no run than two
            },
          ),
        ),
      );
      if (this.stopped) return;
      names.forEach((name, i) => {
        const state = this.jobs.get(name)!;
        if (state.held !== results[i]) this.logger.log({ job: name }, results[i] ? 'job lease taken: this instance runs it' : 'job lease lost');
        state.held = results[i]!;
      });
    })().finally(() => (this.renewing = undefined));
    return this.renewing;
  }
}
