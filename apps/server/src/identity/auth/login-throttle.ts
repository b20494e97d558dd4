import { Injectable, Optional } from '@nestjs/common';
import { SharedWindows, type WindowCounter } from '../../platform/cluster/shared-windows';
import { PharosConfig } from '../../platform/config/pharos-config';
import { TooManyRequestsError } from '../../platform/errors/domain-errors';
import { FailureWindows } from '../machine-credentials/failure-windows';

/** An address may fail this many times the per-username limit (many admins behind one NAT). */
const ADDRESS_LIMIT_FACTOR = 5;

/**
 * Counts failed logins per username and per client address in a fixed window; once either
 * reaches its limit, further attempts are refused (429) until the window ends. In a cluster the
 * counts are kept in Redis (`SharedWindows`), shared by every instance; else in memory.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures: FailureWindows;
  private readonly shared: WindowCounter | null;

  constructor(
    private readonly config: PharosConfig,
    @Optional() windows?: SharedWindows,
  ) {
    this.failures = new FailureWindows(config.loginFailureWindowSeconds * 1000);
    this.shared = windows?.counter('login', config.loginFailureWindowSeconds * 1000) ?? null;
  }

  /** Throws `TooManyRequestsError` while the address or the username is throttled. */
  async allow(ip: string, username: string): Promise<void> {
    if (!this.shared) return this.assertAllowed(ip, username);
    for (const [key, limit] of this.limits(ip, username)) {
      const retryAfter = await this.shared.retryAfterSeconds(key, limit);
      if (retryAfter !== null) throw new TooManyRequestsError('too many failed logins, try again later', retryAfter);
    }
  }

  async failed(ip: string, username: string): Promise<void> {
    if (!this.shared) return this.recordFailure(ip, username);
    await Promise.all([this.shared.record(addressKey(ip)), this.shared.record(userKey(username))]);
  }

  async succeeded(username: string): Promise<void> {
    if (!this.shared) return this.recordSuccess(username);
    await this.shared.forget(userKey(username));
  }

  private limits(ip: string, username: string): [string, number][] {
    return [
      [addressKey(ip), this.config.loginMaxFailures * ADDRESS_LIMIT_FACTOR],
      [userKey(username), this.config.loginMaxFailures],
    ];
  }

  assertAllowed(ip: string, username: string, now = Date.now()): void {
    for (const [key, limit] of this.limits(ip, username)) {
      const retryAfter = this.failures.retryAfterSeconds(key, limit, now);
      if (retryAfter !== null) throw new TooManyRequestsError('too many failed logins, try again later', retryAfter);
    }
  }

  recordFailure(ip: string, username: string, now = Date.now()): void {
    this.failures.record(addressKey(ip), now);
    this.failures.record(userKey(username), now);
  }

  recordSuccess(username: string): void {
    this.failures.forget(userKey(username));
  }
}

const addressKey = (ip: string) => `ip:${ip}`;
const userKey = (username: string) => `user:${username.toLowerCase()}`;
