import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ClusterMembership } from './cluster-membership';
import { RedisConnection } from './redis-connection';

/**
 * Takes one socket for a key when the instances' counts of live instances leave room, in one
 * step (a script runs alone in Redis): fields of instances no longer alive are dropped, not
 * counted. KEYS[1] the hash; ARGV: this instance, its count with the new socket, the cap, then
 * the ids of the other live instances. On refusal this instance's field keeps the count without
 * the new socket. Returns 1 (taken) or 0 (refused).
 */
const ACQUIRE = `
local own, mine, cap = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local alive = {}
for i = 4, #ARGV do alive[ARGV[i]] = true end
local others = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local id = fields[i]
  if id ~= own then
    if alive[id] then others = others + tonumber(fields[i + 1]) else redis.call('HDEL', KEYS[1], id) end
  end
end
local taken = others + mine <= cap
local keep = taken and mine or mine - 1
if keep > 0 then redis.call('HSET', KEYS[1], own, keep) else redis.call('HDEL', KEYS[1], own) end
return taken and 1 or 0
`;

/**
 * Open sockets per key (a user's browser sockets) counted over every instance of a cluster,
 * so a per-key cap holds cluster-wide. Each instance keeps its own counts in memory and writes
 * them, not increments, into `<prefix>sockets:<name>:<key>` (a hash: one field per instance
 * id), so a write Redis missed is corrected by the next one. The check and the write are one
 * Lua script: two opens on two instances at the same moment cannot both take the last place.
 * It can overshoot only while an instance is alive but missing from the membership (its
 * heartbeat key expired in a Redis outage): its sockets are not counted then. When Redis
 * fails, the cap holds on this instance alone (logged) rather than refusing every browser.
 * Without cluster mode only the in-memory counts exist.
 */
@Injectable()
export class SharedSocketCounts implements OnApplicationBootstrap {
  private readonly logger = new Logger(SharedSocketCounts.name);
  private readonly local = new Map<string, number>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly membership: ClusterMembership,
  ) {}

  /**
   * A restart under the same `PHAROS_INSTANCE_ID` within the heartbeat TTL would otherwise keep
   * the counts of the killed process alive: they are dropped before this one takes sockets.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.redis.clustered) return;
    const pattern = `${escapeGlob(this.redis.key('sockets'))}:*`;
    try {
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        await Promise.all(keys.map((key) => this.redis.client.hdel(key, this.redis.instanceId)));
      } while (cursor !== '0');
    } catch (error) {
      this.logger.warn({ err: error }, 'could not clear the socket counts of an earlier run');
    }
  }

  /**
   * Takes a place for one more socket of `key` when fewer than `cap` are open cluster-wide.
   * Opens of one key on this instance are checked one after the other, so each check writes
   * the exact count of this instance.
   */
  acquire(name: string, key: string, cap: number): Promise<boolean> {
    const id = `${name}:${key}`;
    const run = (this.queues.get(id) ?? Promise.resolve()).then(() => this.acquireNow(name, key, cap));
    const tail = run.catch(() => undefined);
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return run;
  }

  private async acquireNow(name: string, key: string, cap: number): Promise<boolean> {
    const id = `${name}:${key}`;
    const mine = (this.local.get(id) ?? 0) + 1;
    if (mine > cap) return false;
    this.local.set(id, mine);
    if (!this.redis.clustered) return true;
    let taken: boolean;
    try {
      const others = (await this.membership.liveInstanceIds()).filter((instance) => instance !== this.redis.instanceId);
      // Sockets that closed meanwhile are no longer in the count.
      const current = this.local.get(id) ?? 0;
      taken = (await this.redis.client.eval(ACQUIRE, 1, this.hashKey(id), this.redis.instanceId, current, cap, ...others)) === 1;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not count sockets in Redis; capping on this instance only');
      return true;
    }
    if (!taken) this.release(name, key);
    return taken;
  }

  /** Gives a place back (a socket closed). */
  release(name: string, key: string): void {
    const id = `${name}:${key}`;
    const count = (this.local.get(id) ?? 1) - 1;
    if (count <= 0) this.local.delete(id);
    else this.local.set(id, count);
    if (!this.redis.clustered) return;
    const write = count > 0 ? this.redis.client.hset(this.hashKey(id), this.redis.instanceId, count) : this.redis.client.hdel(this.hashKey(id), this.redis.instanceId);
    write.catch((error: unknown) => this.logger.warn({ err: error }, 'could not write a socket count to Redis; the next write corrects it'));
  }

  /** Sockets of `key` open on this instance. */
  openHere(name: string, key: string): number {
    return this.local.get(`${name}:${key}`) ?? 0;
  }

  private hashKey(id: string): string {
    return this.redis.key('sockets', id);
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
