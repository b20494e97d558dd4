/**
 * A token bucket for terminal output frames, shared by all sessions of the agent. Pharos caps
 * the messages an agent may send (AGENT_WS_MESSAGES_PER_SECOND, 20 by default) and drops an
 * agent past it; output is coalesced into frames that stay well below that with the metrics.
 */
export class FramePacer {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly perSecond = 10,
    private readonly burst = 20,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until `take` can succeed. */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
  }
}
