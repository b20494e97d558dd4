/**
 * Reconnection delays: doubling from `minMs` up to `maxMs`, each drawn between half and all of
 * that ("equal jitter"), so that a fleet whose Pharos restarted does not come back at once.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call doubles the one after. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  /** The longest delay (after a refusal that will not go away by itself soon). */
  longest(): number {
    this.attempt++;
    return Math.round(this.maxMs / 2 + (this.random() * this.maxMs) / 2);
  }

  reset(): void {
    this.attempt = 0;
  }
}
