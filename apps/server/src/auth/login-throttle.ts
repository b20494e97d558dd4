import { Injectable } from '@nestjs/common';
import { PharosConfig } from '../config/pharos-config';
import { TooManyRequestsError } from '../errors/domain-errors';

interface FailureWindow {
  failures: number;
  startedAt: number;
}

/** An address may fail this many times the per-username limit (many admins behind one NAT). */
const ADDRESS_LIMIT_FACTOR = 5;

/**
 * Counts failed logins per username and per client address in a fixed window; once either
 * reaches its limit, further attempts are refused (429) until the window ends. In memory:
 * one Pharos process guards itself.
 */
@Injectable()
export class LoginThrottle {
  private readonly windows = new Map<string, FailureWindow>();

  constructor(private readonly config: PharosConfig) {}

  assertAllowed(ip: string, username: string, now = Date.now()): void {
    for (const key of this.keys(ip, username)) {
      const window = this.current(key, now);
      const limit = key.startsWith('ip:') ? this.config.loginMaxFailures * ADDRESS_LIMIT_FACTOR : this.config.loginMaxFailures;
      if (window && window.failures >= limit) {
        const retryAfter = Math.ceil((window.startedAt + this.windowMs - now) / 1000);
        throw new TooManyRequestsError('too many failed logins, try again later', Math.max(retryAfter, 1));
      }
    }
  }

  recordFailure(ip: string, username: string, now = Date.now()): void {
    for (const key of this.keys(ip, username)) {
      const window = this.current(key, now) ?? { failures: 0, startedAt: now };
      window.failures += 1;
      this.windows.set(key, window);
    }
    if (this.windows.size > 100_000) this.prune(now);
  }

  recordSuccess(username: string): void {
    this.windows.delete(`user:${username.toLowerCase()}`);
  }

  private get windowMs(): number {
    return this.config.loginFailureWindowSeconds * 1000;
  }

  private keys(ip: string, username: string): string[] {
    return [`ip:${ip}`, `user:${username.toLowerCase()}`];
  }

  private current(key: string, now: number): FailureWindow | undefined {
    const window = this.windows.get(key);
    if (window && now - window.startedAt >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
  }
}
