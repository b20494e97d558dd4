import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { PharosConfig } from '../config/pharos-config';
import { JobLeases, type JobState } from './job-leases';
import { RedisConnection } from './redis-connection';

/** One Pharos instance as `GET /api/v1/cluster` shows it. */
export interface InstanceView {
  id: string;
  /** The instance answering the request. */
  self: boolean;
  startedAt: string;
  /** When it last said it was alive. */
  heartbeatAt: string;
  /** Open sockets by kind: `agents`, `browsers`, `consoles` (console viewers), `terminals`. */
  sockets: Record<string, number>;
  /** The singleton jobs it knows, with whether it holds each and how often it ran it. */
  jobs: Record<string, JobState>;
}

export interface ClusterView {
  clustered: boolean;
  instances: InstanceView[];
}

/**
 * This instance among the others: every `CLUSTER_HEARTBEAT_SECONDS` it writes what it is (id,
 * socket counts, jobs) to `<prefix>instance:<id>`, a key that expires after three missed
 * heartbeats, and keeps its id in the `<prefix>instances` set; listing reads every member's key
 * and drops members whose key expired. Without cluster mode it describes this process only.
 */
@Injectable()
export class ClusterMembership implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ClusterMembership.name);
  private readonly startedAt = new Date().toISOString();
  private readonly gauges = new Map<string, () => number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisConnection,
    private readonly jobs: JobLeases,
    private readonly config: PharosConfig,
  ) {}

  get instanceId(): string {
    return this.redis.instanceId;
  }

  /** A count shown for this instance (e.g. its open agent sockets), read at each heartbeat. */
  gauge(kind: string, read: () => number): void {
    this.gauges.set(kind, read);
  }

  /** This instance's open sockets by kind, read now (also what `/metrics` exposes). */
  socketCounts(): Record<string, number> {
    return Object.fromEntries([...this.gauges].map(([kind, read]) => [kind, read()]));
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.redis.clustered) return;
    await this.beat();
    this.logger.log({ instance: this.instanceId }, 'joined the Pharos cluster');
    this.timer = setInterval(() => {
      this.beat().catch((error: unknown) => this.logger.warn({ err: error }, 'could not write the cluster heartbeat'));
    }, this.config.cluster.heartbeatSeconds * 1000);
    this.timer.unref();
  }

  // Before the Redis connection closes (its onApplicationShutdown).
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (!this.redis.clustered) return;
    await this.redis.client
      .multi()
      .del(this.redis.key('instance', this.instanceId))
      .srem(this.redis.key('instances'), this.instanceId)
      .exec()
      .catch(() => undefined);
  }

  async view(): Promise<ClusterView> {
    if (!this.redis.clustered) return { clustered: false, instances: [this.describe()] };
    const ids = (await this.redis.client.smembers(this.redis.key('instances'))).sort();
    const values = ids.length === 0 ? [] : await this.redis.client.mget(ids.map((id) => this.redis.key('instance', id)));
    const instances: InstanceView[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const value = values[i];
      if (!value) return void gone.push(id);
      instances.push({ ...(JSON.parse(value) as Omit<InstanceView, 'self'>), self: id === this.instanceId });
    });
    if (gone.length > 0) await this.redis.client.srem(this.redis.key('instances'), ...gone);
    return { clustered: true, instances };
  }

  /** Ids of the instances alive now (heartbeat key not expired), this one always among them. */
  async liveInstanceIds(): Promise<string[]> {
    if (!this.redis.clustered) return [this.instanceId];
    const ids = await this.redis.client.smembers(this.redis.key('instances'));
    const found = await Promise.all(ids.map((id) => (id === this.instanceId ? 1 : this.redis.client.exists(this.redis.key('instance', id)))));
    const alive = ids.filter((_, i) => found[i] === 1);
    return alive.includes(this.instanceId) ? alive : [...alive, this.instanceId];
  }

  private describe(): InstanceView {
    return {
      id: this.instanceId,
      self: true,
      startedAt: this.startedAt,
      heartbeatAt: new Date().toISOString(),
      sockets: this.socketCounts(),
      jobs: this.jobs.snapshot(),
    };
  }

  private async beat(): Promise<void> {
    const { self: _self, ...record } = this.describe();
    const ttlMs = Math.round(this.config.cluster.heartbeatSeconds * 3000);
    await this.redis.client
      .multi()
      .set(this.redis.key('instance', this.instanceId), JSON.stringify(record), 'PX', ttlMs)
      .sadd(this.redis.key('instances'), this.instanceId)
      .exec();
  }
}
