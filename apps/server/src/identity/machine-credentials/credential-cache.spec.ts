import { CredentialCache, type CredentialCacheOptions } from './credential-cache';

/** An owners table the cache looks up, recording each query's hashes; `failing` makes queries throw. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 10));

function directory(owners: Record<string, string>) {
  const queries: string[][] = [];
  const state = { failing: false };
  const lookupMany = async (hashes: string[]) => {
    queries.push(hashes);
    const failing = state.failing;
    const found = new Map(hashes.flatMap((hash) => (owners[hash] ? [[hash, owners[hash]] as [string, string]] : [])));
    await new Promise((resolve) => setImmediate(resolve)); // the answer is on its way
    if (failing) throw new Error('database unreachable');
    return found;
  };
  return { queries, state, lookupMany };
}

function cache(lookupMany: CredentialCacheOptions<string>['lookupMany'], options: Partial<CredentialCacheOptions<string>> = {}) {
  return new CredentialCache<string>({ lookupMany, ttlMs: 60_000, maxEntries: 100, cacheMisses: true, random: () => 0, ...options });
}

describe('CredentialCache', () => {
  it('looks every hash asked for meanwhile up in one query, each once, and answers later calls from memory', async () => {
    const { queries, lookupMany } = directory({ a: 'node-a', b: 'node-b' });
    const credentials = cache(lookupMany);
    expect(await Promise.all(['a', 'b', 'a', 'x', 'b'].map((hash) => credentials.get(hash, 0)))).toEqual(['node-a', 'node-b', 'node-a', null, 'node-b']);
    expect(queries).toEqual([['a', 'b', 'x']]);
    expect(await credentials.get('a', 1000)).toBe('node-a');
    expect(await credentials.get('x', 1000)).toBeNull();
    expect(queries).toHaveLength(1);
  });

  it('serves an entry past its refresh time at once and looks it up again in the background', async () => {
    const owners: Record<string, string> = { a: 'node-a' };
    const { queries, lookupMany } = directory(owners);
    const credentials = cache(lookupMany);
    await credentials.get('a', 0);
    delete owners.a; // revoked by another Pharos

    expect(await credentials.get('a', 30_000)).toBe('node-a');
    expect(await credentials.get('a', 30_001)).toBe('node-a'); // the refresh is already running
    await settled();
    expect(queries).toHaveLength(2);
    expect(await credentials.get('a', 30_002)).toBeNull();
  });

  it('draws each entry’s refresh time between half and nine tenths of the TTL', async () => {
    const { queries, lookupMany } = directory({ a: 'node-a' });
    const credentials = cache(lookupMany, { random: () => 1 });
    await credentials.get('a', 0);
    await credentials.get('a', 53_999);
    expect(queries).toHaveLength(1);
    await credentials.get('a', 54_000);
    await settled();
    expect(queries).toHaveLength(2);
  });

  it('never serves an answer older than the TTL: past it, the caller waits for the lookup', async () => {
    const owners: Record<string, string> = { a: 'node-a' };
    const { lookupMany } = directory(owners);
    const credentials = cache(lookupMany);
    await credentials.get('a', 0);
    delete owners.a;
    expect(await credentials.get('a', 60_000)).toBeNull();
  });

  it('keeps serving an entry whose background refresh failed until it expires, then reports the failure', async () => {
    const { state, lookupMany } = directory({ a: 'node-a' });
    const refreshErrors: unknown[] = [];
    const credentials = cache(lookupMany, { onRefreshError: (error) => refreshErrors.push(error) });
    await credentials.get('a', 0);
    state.failing = true;
    expect(await credentials.get('a', 40_000)).toBe('node-a');
    await settled();
    expect(refreshErrors).toEqual([new Error('database unreachable')]);
    expect(await credentials.get('a', 50_000)).toBe('node-a');
    await expect(credentials.get('a', 60_000)).rejects.toThrow('database unreachable');
  });

  it('forgets at once, and neither caches nor shares a lookup that started before forgetting', async () => {
    const owners: Record<string, string> = { a: 'node-a' };
    const { queries, lookupMany } = directory(owners);
    const credentials = cache(lookupMany);
    const racing = credentials.get('a', 0);
    while (queries.length === 0) await new Promise((resolve) => setImmediate(resolve));
    delete owners.a; // rotated: the change commits, then the cache is told
    credentials.forget((owner) => owner === 'node-a');
    expect(await credentials.get('a', 1)).toBeNull();
    expect(await racing).toBe('node-a'); // asked before the change: that caller's answer
    expect(await credentials.get('a', 2)).toBeNull();
    expect(queries).toHaveLength(2);
  });

  it('asks again about a hash without an owner when misses are not cached', async () => {
    const owners: Record<string, string> = {};
    const { queries, lookupMany } = directory(owners);
    const credentials = cache(lookupMany, { cacheMisses: false });
    expect(await credentials.get('a', 0)).toBeNull();
    owners.a = 'daemon-a'; // its token was just set
    expect(await credentials.get('a', 1)).toBe('daemon-a');
    expect(queries).toHaveLength(2);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const { queries, lookupMany } = directory({ a: 'node-a', b: 'node-b', c: 'node-c' });
    const credentials = cache(lookupMany, { maxEntries: 2 });
    for (const hash of ['a', 'b', 'c']) await credentials.get(hash, 0);
    await credentials.get('c', 1);
    await credentials.get('b', 1);
    expect(queries).toHaveLength(3);
    await credentials.get('a', 1);
    expect(queries).toHaveLength(4);
  });
});
