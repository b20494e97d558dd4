import { Injectable } from '@nestjs/common';
import { PharosConfig } from '../../platform/config/pharos-config';
import { TooManyRequestsError } from '../../platform/errors/domain-errors';
import { FailureWindows } from '../machine-credentials/failure-windows';

/** An address may fail this many times the per-username limit (many admins behind one NAT). */
const ADDRESS_LIMIT_FACTOR = 5;

/**
 * Counts failed logins per username and per client address in a fixed window; once either
 * reaches its limit, further attempts are refused (429) until the window ends.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures: FailureWindows;

  constructor(private readonly config: PharosConfig) {
    this.failures = new FailureWindows(config.loginFailureWindowSeconds * 1000);
  }

  assertAllowed(ip: string, username: string, now = Date.now()): void {
    const limits: [string, number][] = [
      [addressKey(ip), this.config.loginMaxFailures * ADDRESS_LIMIT_FACTOR],
      [userKey(username), this.config.loginMaxFailures],
    ];
    for (const [key, limit] of limits) {
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
