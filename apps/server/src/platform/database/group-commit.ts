/**
 * Group commit: callers submit one item each and wait; items that arrive while a batch is being
 * written gather into the next batch, which is written as one transaction. A caller's promise
 * settles only when the batch holding its item has committed (or failed), so "answered ⇒
 * committed" holds per item while the database sees one commit per batch instead of one per
 * item. Under light load a batch holds one item and costs what a single write did; under heavy
 * load batches grow, up to `maxBatch`, and so does throughput.
 *
 * One item must not cost the others their write: a batch the database refused for what an
 * item carried (`splitWhen`) is written again in halves, down to the item at fault, which
 * alone fails.
 */
export interface GroupCommitOptions<T, R> {
  /**
   * Writes a batch in one transaction and returns one outcome per item, in order: a result, or
   * an Error for an item refused on its own (e.g. its subject was deleted) while the rest
   * committed. Throwing fails every item of the batch (the transaction stored nothing).
   */
  write: (items: T[]) => Promise<(R | Error)[]>;
  /** Largest batch (default 500). */
  maxBatch?: number;
  /** Batches being written at once (default 1: the next batch waits and grows meanwhile). */
  concurrency?: number;
  /**
   * True when a failed write stored nothing and failed for what one of its items carried, not
   * for the state of the store (a data error: `isDataRefusal` in `@pharos/database`). The batch
   * is then split in halves, written one after the other (arrival order holds), and so on down
   * to the items at fault, which alone fail; every other item is stored. Never true for an
   * error after which the write may have committed (a lost connection): that batch fails whole.
   * Splitting costs only batches that failed. Default: never split.
   */
  splitWhen?: (error: unknown) => boolean;
  /** Told about every write of a batch, or of a part of one (for debug logs and diagnostics). */
  onWritten?: (batch: { size: number; ms: number; failed: boolean }) => void;
  /**
   * Maps a failed write's error to what each of its callers gets (default: the error itself):
   * `items` are those the write held — one alone when it was split down to it.
   */
  failure?: (error: unknown, items: T[]) => Error;
}

/** One batch as a watcher sees it, once written (or failed): for metrics, read per batch, never per item. */
export interface BatchWritten {
  size: number;
  /** How long its oldest item waited in the queue before the batch was taken. */
  waitMs: number;
  /** How long writing it took, splits included. */
  writeMs: number;
  /** Items that got an error (all of them when the write failed whole). */
  failedItems: number;
}

interface Pending<T, R> {
  item: T;
  /** `performance.now()` at submit. */
  queuedAt: number;
  resolve: (result: R) => void;
  reject: (error: Error) => void;
}

export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private writing = 0;
  private scheduled = false;
  private idle: (() => void)[] = [];
  private readonly watchers: ((batch: BatchWritten) => void)[] = [];
  private readonly maxBatch: number;
  private readonly concurrency: number;
  /** Batches and items taken, writes that failed, and batches (or parts) split, for diagnostics and tests. */
  readonly counters = { batches: 0, items: 0, failedBatches: 0, largestBatch: 0, splits: 0 };

  constructor(private readonly options: GroupCommitOptions<T, R>) {
    this.maxBatch = options.maxBatch ?? 500;
    this.concurrency = options.concurrency ?? 1;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, queuedAt: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  /** Tells `watcher` about every batch once it is written or failed (e.g. Prometheus histograms). */
  watch(watcher: (batch: BatchWritten) => void): void {
    this.watchers.push(watcher);
  }

  /** Resolves once nothing is queued or being written (e.g. before shutting down). */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.writing === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.writing >= this.concurrency) return;
    this.scheduled = true;
    // Let the requests already parsed in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.startBatch();
    });
  }

  private startBatch(): void {
    if (this.queue.length === 0 || this.writing >= this.concurrency) return;
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = this.queue.length <= this.maxBatch ? [] : this.queue.slice(this.maxBatch);
    this.writing++;
    void this.run(batch).finally(() => {
      this.writing--;
      if (this.queue.length > 0) this.schedule();
      else if (this.writing === 0) for (const resolve of this.idle.splice(0)) resolve();
    });
    if (this.queue.length > 0) this.schedule();
  }

  private async run(batch: Pending<T, R>[]): Promise<void> {
    this.counters.batches++;
    this.counters.items += batch.length;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
    const started = performance.now();
    const outcomes = await this.outcomesOf(batch.map((p) => p.item));
    const writeMs = performance.now() - started;
    let failedItems = 0;
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof Error) {
        failedItems++;
        p.reject(outcome);
      } else p.resolve(outcome as R);
    });
    if (this.watchers.length > 0) {
      const written: BatchWritten = { size: batch.length, waitMs: started - batch[0]!.queuedAt, writeMs, failedItems };
      for (const watcher of this.watchers) watcher(written);
    }
  }

  /**
   * One outcome per item: written together, or, when the database refused them for what an
   * item carried, in halves one after the other (each split again while it is refused).
   */
  private async outcomesOf(items: T[]): Promise<(R | Error)[]> {
    const started = performance.now();
    try {
      const outcomes = await this.options.write(items);
      if (outcomes.length !== items.length) throw new Error(`group commit: ${outcomes.length} outcomes for ${items.length} items`);
      this.options.onWritten?.({ size: items.length, ms: performance.now() - started, failed: false });
      return outcomes;
    } catch (error) {
      this.counters.failedBatches++;
      this.options.onWritten?.({ size: items.length, ms: performance.now() - started, failed: true });
      if (items.length > 1 && this.options.splitWhen?.(error)) {
        this.counters.splits++;
        const half = Math.ceil(items.length / 2);
        const first = await this.outcomesOf(items.slice(0, half));
        return [...first, ...(await this.outcomesOf(items.slice(half)))];
      }
      const failure = this.options.failure ? this.options.failure(error, items) : error instanceof Error ? error : new Error(String(error));
      return items.map(() => failure);
    }
  }
}
