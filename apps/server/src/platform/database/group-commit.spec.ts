import { GroupCommitter } from './group-commit';

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommitter', () => {
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
      failure: (error, size) => new Error(`batch of ${size} failed: ${(error as Error).message}`),
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

  it('rejects every item when the write returns the wrong number of outcomes', async () => {
    const committer = new GroupCommitter<number, number>({ write: async () => [] });
    await expect(committer.submit(1)).rejects.toThrow('0 outcomes for 1 items');
  });
});
