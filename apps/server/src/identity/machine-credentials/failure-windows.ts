interface FailureWindow {
  failures: number;
  startedAt: number;
}

/**
 * Failures counted per key (an address, a username) in fixed windows: the first failure opens
 * a window of `windowMs`; once a key has `limit` failures in it, it is blocked until the window
 * ends. In memory: one Pharos process guards itself. Used by the login throttle and the
 * throttle of machine credentials (agent keys, node secrets, Lightd tokens).
 */
export class FailureWindows {
  private readonly windows = new Map<string, FailureWindow>();

  constructor(private readonly windowMs: number) {}

  /** Null while `key` may still try; else the seconds until its window ends (at least 1). */
  retryAfterSeconds(key: string, limit: number, now = Date.now()): number | null {
    const window = this.current(key, now);
    if (!window || window.failures < limit) return null;
    return Math.max(Math.ceil((window.startedAt + this.windowMs - now) / 1000), 1);
  }

  record(key: string, now = Date.now()): void {
    const window = this.current(key, now) ?? { failures: 0, startedAt: now };
    window.failures += 1;
    this.windows.set(key, window);
    if (this.windows.size > 100_000) this.prune(now);
  }

  forget(key: string): void {
    this.windows.delete(key);
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
