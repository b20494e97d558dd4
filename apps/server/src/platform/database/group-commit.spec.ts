import { type BatchWritten, GroupCommitter } from './group-commit';

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommitter', () => {
  it('tells its watchers about each batch once written: size, the oldest item\'s wait, write time, items refused', async () => {
    let release!: () => void;
    let calls = 0;
    const committer = new GroupCommitter<number, number>({
      write: async (items) => {
        if (calls++ === 0) await new Promise<void>((r) => (release = r));
        return items.map((i) => (i === 3 ? new Error('refused') : i));
      },
    });
    const seen: BatchWritten[] = [];
    committer.watch((batch) => seen.push(batch));
    const first = committer.submit(1);
    await tick();
    const later = [2, 3].map((i) => committer.submit(i).catch(() => 'refused'));
    await new Promise((r) => setTimeout(r, 20));
    release();
    await first;
    await Promise.all(later);
    expect(seen.map(({ size, failedItems }) => ({ size, failedItems }))).toEqual([
      { size: 1, failedItems: 0 },
      { size: 2, failedItems: 1 },
    ]);
    // The second batch waited behind the first, which took at least 20 ms.
    expect(seen[1]!.waitMs).toBeGreaterThanOrEqual(15);
    expect(seen[0]!.writeMs).toBeGreaterThanOrEqual(15);
  });

  it('writes items that arrive while a batch is being written as one next batch, answering each after its batch', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const committer = new GroupCommitter<number, string>({
      write: async (items) => {
        batches.push(items);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
        return items.map((i) => `stored ${i}`);
      },
    });
    const first = committer.submit(1);
    await tick();
    expect(batches).toEqual([[1]]);
    const later = [2, 3, 4].map((i) => committer.submit(i));
    await tick();
    expect(batches).toHaveLength(1); // the second batch waits for the first
    let firstDone = false;
    void first.then(() => (firstDone = true));
    await tick();
    expect(firstDone).toBe(false); // not answered before its batch committed
    release();
    await expect(first).resolves.toBe('stored 1');
    await expect(Promise.all(later)).resolves.toEqual(['stored 2', 'stored 3', 'stored 4']);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every item of a batch whose write failed, with the mapped error, and goes on with the next batch', async () => {
    let calls = 0;
    const committer = new GroupCommitter<number, number>({
      write: async (items) => {
        calls++;
        if (calls === 1) throw new Error('connection terminated');
        return items;
      },
      failure: (error, items) => new Error(`batch of ${items.length} failed: ${(error as Error).message}`),
    });
    const failed = [1, 2, 3].map((i) => committer.submit(i));
    const results = await Promise.allSettled(failed);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('batch of 3 failed: connection terminated');
    await expect(committer.submit(4)).resolves.toBe(4);
    expect(committer.counters).toMatchObject({ batches: 2, failedBatches: 1, items: 4 });
  });

  it('refuses single items the write reports as errors while answering the rest', async () => {
    const committer = new GroupCommitter<number, number>({ write: async (items) => items.map((i) => (i % 2 ? i : new Error(`${i} refused`))) });
    const results = await Promise.allSettled([1, 2, 3].map((i) => committer.submit(i)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 1 },
      { status: 'rejected', reason: new Error('2 refused') },
      { status: 'fulfilled', value: 3 },
    ]);
  });

  it('splits a long queue into batches of at most maxBatch and drains', async () => {
    const sizes: number[] = [];
    const committer = new GroupCommitter<number, number>({ maxBatch: 4, write: async (items) => (sizes.push(items.length), items) });
    const all = Array.from({ length: 10 }, (_, i) => committer.submit(i));
    await committer.drain();
    await expect(Promise.all(all)).resolves.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sizes).toEqual([4, 4, 2]);
  });

  describe('a batch refused for what an item carried', () => {
    /** An error as the database gives it when it refused a statement for its data. */
    class Refused extends Error {}
    /** Stores the items unless one is poisoned; records every write and what was stored, in order. */
    const database = (poisoned: (item: number) => boolean) => {
      const writes: number[][] = [];
      const stored: number[] = [];
      const committer = new GroupCommitter<number, string>({
        write: async (items) => {
          writes.push(items);
          if (items.some(poisoned)) throw new Refused(`refused ${items.filter(poisoned).join(',')}`);
          stored.push(...items);
          return items.map((i) => `stored ${i}`);
        },
        splitWhen: (error) => error instanceof Refused,
        failure: (error, items) => new Error(`${items.join(',')}: ${(error as Error).message}`),
      });
      return { committer, writes, stored };
    };

    it('is written again in halves, one after the other, until the item at fault fails alone', async () => {
      const { committer, writes, stored } = database((i) => i === 7);
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => committer.submit(i + 1)));
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason.message))).toEqual([
        ...[1, 2, 3, 4, 5, 6].map((i) => `stored ${i}`),
        '7: refused 7',
        ...[8, 9, 10].map((i) => `stored ${i}`),
      ]);
      // Arrival order holds: each half is written after the one before it.
      expect(stored).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10]);
      expect(writes).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [6, 7, 8], [6, 7], [6], [7], [8], [9, 10]]);
      expect(committer.counters).toMatchObject({ batches: 1, items: 10, failedBatches: 5, splits: 4 });
    });

    it('isolates every item at fault, first and last included', async () => {
      const { committer, stored } = database((i) => i === 0 || i === 50 || i === 99);
      const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => committer.submit(i)));
      expect(results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []))).toEqual([0, 50, 99]);
      expect(stored).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => ![0, 50, 99].includes(i)));
    });

    it('keeps the outcomes the write gave its items in the halves', async () => {
      const committer = new GroupCommitter<number, number>({
        write: async (items) => {
          if (items.includes(2)) throw new Refused('refused 2');
          return items.map((i) => (i === 3 ? new Error('3 was deleted') : i));
        },
        splitWhen: (error) => error instanceof Refused,
      });
      const results = await Promise.allSettled([1, 2, 3, 4].map((i) => committer.submit(i)));
      expect(results).toEqual([
        { status: 'fulfilled', value: 1 },
        { status: 'rejected', reason: new Refused('refused 2') },
        { status: 'rejected', reason: new Error('3 was deleted') },
        { status: 'fulfilled', value: 4 },
      ]);
    });

    it('is not split when the error is not one to split on (the write may have committed): every item fails', async () => {
      const writes: number[][] = [];
      const committer = new GroupCommitter<number, number>({
        write: async (items) => {
          writes.push(items);
          throw new Error('connection terminated');
        },
        splitWhen: (error) => error instanceof Refused,
      });
      const results = await Promise.allSettled([1, 2, 3].map((i) => committer.submit(i)));
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(writes).toEqual([[1, 2, 3]]);
      expect(committer.counters.splits).toBe(0);
    });

    it('holds items that arrive meanwhile for the next batch, written after every half', async () => {
      const { committer, stored } = database((i) => i === 2);
      const first = [1, 2, 3, 4].map((i) => committer.submit(i));
      await tick();
      const later = [5, 6].map((i) => committer.submit(i));
      await Promise.allSettled([...first, ...later]);
      expect(stored).toEqual([1, 3, 4, 5, 6]);
    });
  });

  it('rejects every item when the write returns the wrong number of outcomes', async () => {
    const committer = new GroupCommitter<number, number>({ write: async () => [] });
    await expect(committer.submit(1)).rejects.toThrow('0 outcomes for 1 items');
  });
});
