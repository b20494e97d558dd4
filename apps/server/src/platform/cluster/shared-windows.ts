import { Injectable } from '@nestjs/common';
import { RedisConnection } from './redis-connection';

/**
 * Failures counted per key in fixed windows (the first failure opens a window; at `limit`
 * failures the key is blocked until it ends), as the login and credential throttles count them.
 */
export interface WindowCounter {
  /** Null while `key` may still try; else the seconds until its window ends (at least 1). */
  retryAfterSeconds(key: string, limit: number, now?: number): Promise<number | null>;
  record(key: string, now?: number): Promise<void>;
  forget(key: string): Promise<void>;
}

/**
 * Window counters every instance of a cluster shares, kept in Redis (`<prefix>limit:<name>:<key>`:
 * a counter whose expiry is the window's end), so spreading attempts over instances gains
 * nothing. Null without cluster mode: the throttle counts in its own memory.
 */
@Injectable()
export class SharedWindows {
  constructor(private readonly redis: RedisConnection) {}

  counter(name: string, windowMs: number): WindowCounter | null {
    return this.redis.clustered ? new RedisWindowCounter(this.redis, name, windowMs) : null;
  }
}

class RedisWindowCounter implements WindowCounter {
  constructor(
    private readonly redis: RedisConnection,
    private readonly name: string,
    private readonly windowMs: number,
  ) {}

  async retryAfterSeconds(key: string, limit: number): Promise<number | null> {
    const [count, ttl] = await Promise.all([this.redis.client.get(this.key(key)), this.redis.client.pttl(this.key(key))]);
    if (count === null || Number(count) < limit) return null;
    return Math.max(Math.ceil((ttl > 0 ? ttl : this.windowMs) / 1000), 1);
  }

  async record(key: string): Promise<void> {
    // NX: only the first failure of a window sets its end.
    await this.redis.client.multi().incr(this.key(key)).pexpire(this.key(key), this.windowMs, 'NX').exec();
  }

  async forget(key: string): Promise<void> {
    await this.redis.client.del(this.key(key));
  }

  private key(key: string): string {
    return this.redis.key('limit', this.name, key);
  }
}
