/**
 * Lightd sends every console chunk twice, as `console` and again as `console duplicate`
 * (kept for compatibility). The browser gets each chunk once: a chunk that pairs with an
 * unpaired one of the other kind is dropped; one whose twin never came is passed on, so no
 * output is lost if a Lightd build sends only one of the two.
 */
export class ConsoleDeduplicator {
  private readonly unpaired = { console: [] as string[], 'console duplicate': [] as string[] };

  /** How many unpaired chunks of each kind are remembered. */
  constructor(private readonly window = 64) {}

  /** Whether this chunk should reach the browser. */
  accept(kind: 'console' | 'console duplicate', data: string): boolean {
    const twins = this.unpaired[kind === 'console' ? 'console duplicate' : 'console'];
    const twin = twins.indexOf(data);
    if (twin !== -1) {
      twins.splice(twin, 1);
      return false;
    }
    const own = this.unpaired[kind];
    own.push(data);
    if (own.length > this.window) own.shift();
    return true;
  }

  /** A new connection starts a new stream. */
  reset(): void {
    this.unpaired.console.length = 0;
    this.unpaired['console duplicate'].length = 0;
  }
}
