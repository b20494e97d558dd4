import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { PharosConfig } from '../config/pharos-config';

/** How long start-up waits for Redis before giving up (a cluster instance cannot run without it). */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The Redis connections of a clustered instance (`REDIS_URL`): one for commands (auto-pipelined,
 * so thousands of publishes a second cost few round trips) and, once asked for, one in
 * subscriber mode for the event bus. Without `REDIS_URL` there are none and `clustered` is false.
 * Both reconnect by themselves; they are closed after everything else has stopped.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly clustered: boolean;
  readonly instanceId: string;
  private readonly prefix: string;
  private commands?: Redis;
  private subscriber?: Redis;

  constructor(private readonly config: PharosConfig) {
    this.clustered = config.cluster.redisUrl !== null;
    this.instanceId = config.cluster.instanceId;
    this.prefix = config.cluster.keyPrefix;
  }

  async onModuleInit(): Promise<void> {
    if (!this.clustered) return;
    const client = this.client;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis at REDIS_URL did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
    });
    try {
      await Promise.race([client.ping(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The command connection; only in cluster mode. */
  get client(): Redis {
    if (!this.clustered) throw new Error('Redis is used in cluster mode only (REDIS_URL)');
    this.commands ??= this.open('commands', { enableAutoPipelining: true });
    return this.commands;
  }

  /** The subscriber connection (pub/sub mode: it runs nothing else); only in cluster mode. */
  get subscriberClient(): Redis {
    if (!this.clustered) throw new Error('Redis is used in cluster mode only (REDIS_URL)');
    this.subscriber ??= this.open('subscriber', {});
    return this.subscriber;
  }

  /** A Redis key or channel of this Pharos cluster. */
  key(...parts: string[]): string {
    return `${this.prefix}${parts.join(':')}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.subscriber, this.commands].map(async (connection) => {
        if (!connection) return;
        try {
          await connection.quit();
        } catch {
          connection.disconnect();
        }
      }),
    );
  }

  private open(role: string, options: { enableAutoPipelining?: boolean }): Redis {
    const connection = new Redis(this.config.cluster.redisUrl!, {
      ...options,
      connectionName: `pharos-${this.instanceId}-${role}`,
      // Commands fail fast while Redis is away (the callers log and retry on their next tick)
      // instead of piling up; the connection itself keeps reconnecting.
      maxRetriesPerRequest: 2,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    let down = false;
    connection.on('error', (error: Error) => {
      if (down) return;
      down = true;
      this.logger.warn({ err: error, role }, 'Redis connection failed; reconnecting');
    });
    connection.on('ready', () => {
      if (down) this.logger.log({ role }, 'Redis connection back');
      down = false;
    });
    return connection;
  }
}
