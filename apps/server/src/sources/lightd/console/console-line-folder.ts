/** A line (or a repeat count of one) the folder saw lately, and how many times it came. */
interface Seen {
  at: number;
  copies: number;
  /** Accepted although a copy of it was seen in the window: a legitimate repeat, or a streamer more. */
  overflow: boolean;
}

/** How many expired records the fan-out is judged by. */
const JUDGED = 8;

/**
 * Folds the copies Lightd v2 broadcasts of each console line. Every connection ever made to a
 * container's socket since the daemon started leaves a log streamer running (none ever ends:
 * docs/protocols/lightd-remote.md §4, defect b), so after k connections each line reaches every
 * client k times, interleaved, and each streamer sends its own `console duplicate` counts.
 *
 * A line that comes again within `windowMs` of an identical one is a copy, until it has come
 * as many times as there are streamers (the fan-out); past that it is a new occurrence (the
 * container printed it again). The fan-out is learnt from what comes: unknown after each
 * (re)connection — every copy within the window is folded — then the number of copies the
 * first lines came in; it falls back when lines keep coming fewer times (the daemon restarted)
 * and grows by one when most lines come once more (another client connected).
 */
export class ConsoleLineFolder {
  private readonly seen = new Map<string, Seen>();
  /** Keys in the order they were first seen, to expire them. */
  private readonly order: { key: string; at: number }[] = [];
  private readonly judged: { copies: number; overflow: boolean }[] = [];
  private fanOut: number | undefined;

  constructor(
    private readonly windowMs = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many copies of each line Lightd sends, as far as it is known yet. */
  get knownFanOut(): number | undefined {
    return this.fanOut;
  }

  /** The fan-out, or while it is being learnt the most copies a recent line came in. */
  get estimatedFanOut(): number {
    if (this.fanOut !== undefined) return this.fanOut;
    let most = 1;
    for (const seen of this.seen.values()) most = Math.max(most, seen.copies);
    return most;
  }

  /** Whether this line (or `repeat:<n>:<line>` key) is new, rather than a copy of one just seen. */
  accept(key: string): boolean {
    const now = this.now();
    this.expire(now);
    const seen = this.seen.get(key);
    if (seen && (this.fanOut === undefined || seen.copies < this.fanOut)) {
      seen.copies++;
      return false;
    }
    if (seen) this.judge(seen);
    this.seen.set(key, { at: now, copies: 1, overflow: seen !== undefined });
    this.order.push({ key, at: now });
    return true;
  }

  /** A new connection: the daemon may have restarted, or a streamer was added; learn again. */
  reset(): void {
    this.seen.clear();
    this.order.length = 0;
    this.judged.length = 0;
    this.fanOut = undefined;
  }

  /**
   * A `logs` answer with each line once: Lightd's buffer holds every line once per streamer,
   * interleaved as they were broadcast. Folded by position, with the fan-out learnt live.
   */
  foldLogs(lines: string[]): string[] {
    const fanOut = this.estimatedFanOut;
    if (fanOut < 2) return lines;
    let position = 0;
    const folder = new ConsoleLineFolder(8 * fanOut, () => position);
    folder.fanOut = fanOut;
    return lines.filter((line) => {
      position++;
      return folder.accept(line);
    });
  }

  private expire(now: number): void {
    while (this.order.length > 0 && now - this.order[0]!.at > this.windowMs) {
      const { key, at } = this.order.shift()!;
      const seen = this.seen.get(key);
      if (seen?.at !== at) continue;
      this.seen.delete(key);
      this.judge(seen);
    }
  }

  /** Learns the fan-out from how many times a line came. */
  private judge(seen: Seen): void {
    if (this.fanOut === undefined) {
      this.fanOut = seen.copies;
      return;
    }
    this.judged.push({ copies: seen.copies, overflow: seen.overflow });
    if (this.judged.length > JUDGED) this.judged.shift();
    if (this.judged.length < JUDGED / 2) return;
    const most = Math.max(...this.judged.map((j) => j.copies));
    if (this.judged.length === JUDGED && most < this.fanOut) {
      this.fanOut = most;
      this.judged.length = 0;
    } else if (this.judged.filter((j) => j.overflow && j.copies === 1).length >= 3) {
      // Lines keep coming once more than the fan-out: a streamer was added (3 of the last 8,
      // so that a container repeating a line now and then does not count).
      this.fanOut++;
      this.judged.length = 0;
    }
  }
}
