import { GroupCommitter } from '../../platform/database/group-commit';

export interface CredentialCacheOptions<T> {
  /**
   * The owners of credentials, by hash, in one query. A hash without a usable owner (unknown,
   * revoked) is left out of the map.
   */
  lookupMany: (hashes: string[]) => Promise<Map<string, T>>;
  /** The oldest answer ever served: changes made elsewhere (another Pharos) show within this. */
  ttlMs: number;
  maxEntries: number;
  /** Remember that a hash has no owner too (a new credential is random and cannot be among them). */
  cacheMisses: boolean;
  /** Told when a refresh in the background failed (the entry is served on until it expires). */
  onRefreshError?: (error: unknown) => void;
  /** Where between half the TTL and nine tenths of it an entry is refreshed (tests pin it). */
  random?: () => number;
}

interface Entry<T> {
  owner: T | null;
  /** When the lookup that found it was asked for (ms). */
  fetchedAt: number;
  /** From then on, a call that finds it also has it looked up again in the background. */
  refreshAt: number;
}

/** Hashes looked up in one query, at most. */
const LOOKUP_BATCH = 500;

/**
 * Machine credentials (node secrets, Lightd tokens) by hash, as the database last said, for
 * clients that present theirs on every call.
 *
 * - An entry past its refresh time (somewhere between half and nine tenths of the TTL, drawn
 *   per entry) is served while it is looked up again in the background, so a client that calls
 *   more often than that never waits for the database after its first call. Drawing the time
 *   spreads the refreshes of a fleet that started together over the TTL instead of a wave.
 * - Lookups are batched (one query for the hashes asked for meanwhile, one query at a time):
 *   a fleet reconnecting after a restart costs a few queries, not one per client, and lookups
 *   never hold more than one database connection that the ingest would wait for.
 * - One lookup per hash at a time, whoever asks.
 *
 * `forget` drops entries at once, and a lookup that started before it is neither cached nor
 * shared with callers that come after it.
 */
export class CredentialCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly loading = new Map<string, Promise<T | null>>();
  /** Bumped by `forget`, so a lookup that raced with a change is not cached. */
  private generation = 0;
  private readonly random: () => number;
  // Reads batched the way writes are group committed: same queueing, one query per batch.
  private readonly lookups: GroupCommitter<string, T | null>;

  constructor(private readonly options: CredentialCacheOptions<T>) {
    this.random = options.random ?? Math.random;
    this.lookups = new GroupCommitter<string, T | null>({
      maxBatch: LOOKUP_BATCH,
      write: async (hashes) => {
        const owners = await options.lookupMany([...new Set(hashes)]);
        return hashes.map((hash) => owners.get(hash) ?? null);
      },
    });
  }

  /** The owner of a credential's hash: from memory while fresh enough, else looked up. */
  async get(hash: string, now = Date.now()): Promise<T | null> {
    const entry = this.entries.get(hash);
    if (entry && now - entry.fetchedAt < this.options.ttlMs) {
      if (now >= entry.refreshAt && !this.loading.has(hash)) {
        this.load(hash, now).catch((error: unknown) => this.options.onRefreshError?.(error));
      }
      return entry.owner;
    }
    return this.load(hash, now);
  }

  /** Drops every entry whose owner matches (its credentials changed, or it is gone). */
  forget(matches: (owner: T) => boolean): void {
    this.generation++;
    this.loading.clear();
    for (const [hash, entry] of this.entries) if (entry.owner !== null && matches(entry.owner)) this.entries.delete(hash);
  }

  private load(hash: string, now: number): Promise<T | null> {
    const running = this.loading.get(hash);
    if (running) return running;
    const generation = this.generation;
    const lookup = this.lookups
      .submit(hash)
      .then((owner) => {
        if (generation === this.generation) this.remember(hash, owner, now);
        return owner;
      })
      .finally(() => {
        if (this.loading.get(hash) === lookup) this.loading.delete(hash);
      });
    this.loading.set(hash, lookup);
    return lookup;
  }

  private remember(hash: string, owner: T | null, fetchedAt: number): void {
    this.entries.delete(hash);
    if (owner === null && !this.options.cacheMisses) return;
    if (this.entries.size >= this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const refreshAt = fetchedAt + this.options.ttlMs * (0.5 + 0.4 * this.random());
    this.entries.set(hash, { owner, fetchedAt, refreshAt });
  }
}
