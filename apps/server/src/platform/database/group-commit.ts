/**
 * Group commit: callers submit one item each and wait; items that arrive while a batch is being
 * written gather into the next batch, which is written as one transaction. A caller's promise
 * settles only when the batch holding its item has committed (or failed), so "answered ⇒
 * committed" holds per item while the database sees one commit per batch instead of one per
 * item. Under light load a batch holds one item and costs what a single write did; under heavy
 * load batches grow, up to `maxBatch`, and so does throughput.
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
  /** Told about every batch written (for debug logs and diagnostics). */
  onWritten?: (batch: { size: number; ms: number; failed: boolean }) => void;
  /** Maps a failed batch's error to what each of its callers gets (default: the error itself). */
  failure?: (error: unknown, batchSize: number) => Error;
}

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: Error) => void;
}

export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private writing = 0;
  private scheduled = false;
  private idle: (() => void)[] = [];
  private readonly maxBatch: number;
  private readonly concurrency: number;
  /** Batches written and items in them, for diagnostics and tests. */
  readonly counters = { batches: 0, items: 0, failedBatches: 0, largestBatch: 0 };

  constructor(private readonly options: GroupCommitOptions<T, R>) {
    this.maxBatch = options.maxBatch ?? 500;
    this.concurrency = options.concurrency ?? 1;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
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
    let outcomes: (R | Error)[];
    const started = performance.now();
    try {
      outcomes = await this.options.write(batch.map((p) => p.item));
      if (outcomes.length !== batch.length) throw new Error(`group commit: ${outcomes.length} outcomes for ${batch.length} items`);
      this.options.onWritten?.({ size: batch.length, ms: performance.now() - started, failed: false });
    } catch (error) {
      this.counters.failedBatches++;
      this.options.onWritten?.({ size: batch.length, ms: performance.now() - started, failed: true });
      const failure = this.options.failure ? this.options.failure(error, batch.length) : error instanceof Error ? error : new Error(String(error));
      for (const p of batch) p.reject(failure);
      return;
    }
    batch.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof Error) p.reject(outcome);
      else p.resolve(outcome as R);
    });
  }
}
