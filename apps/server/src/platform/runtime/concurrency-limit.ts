/**
 * Runs at most `limit` tasks at once; the others wait their turn in arrival order. For work
 * that holds a database connection while it runs (a burst must not take the whole pool).
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes to the next in line, or is freed.
      if (next) next();
      else this.running -= 1;
    }
  }
}
