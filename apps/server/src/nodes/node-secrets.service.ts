import { Injectable } from '@nestjs/common';
import { type Prisma, PrismaService } from '@pharos/database';
import { CredentialThrottle } from '../auth/credential-throttle';
import { PharosConfig } from '../config/pharos-config';
import { TooManyRequestsError, UnauthorizedError } from '../errors/domain-errors';
import { generateSecret, hashSecret, secretPrefix } from '../secrets/secret-token';

/** Who a valid `X-Node-Secret` belongs to. */
export interface NodeCredential {
  serverId: string;
  secretId: string;
  /** The node's group when the secret was looked up (release targets may name groups). */
  group: string | null;
}

interface CacheEntry {
  credential: NodeCredential | null;
  expiresAt: number;
}

const NODE_SECRET_PREFIX = 'pnode_';
/**
 * How long a lookup is trusted. Rotations and revocations through this service take effect at
 * once; the bound covers changes made elsewhere (another Pharos, a server deleted).
 */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 10_000;

/**
 * Node secrets: random strings shown to the admin once, stored as SHA-256 only. A node sends
 * its secret on every report, so lookups are cached (unknown secrets too: a new secret is random
 * and cannot be among them), and the database is asked about a secret at most once a minute.
 */
@Injectable()
export class NodeSecretsService {
  private readonly cache = new Map<string, CacheEntry>();
  /** Bumped whenever secrets change, so a lookup that raced with the change is not cached. */
  private generation = 0;
  /** Failed secrets per address; see `CredentialThrottle` for why known secrets still pass. */
  private readonly throttle: CredentialThrottle;

  constructor(
    private readonly prisma: PrismaService,
    config: PharosConfig,
  ) {
    this.throttle = CredentialThrottle.fromConfig(config);
  }

  /**
   * The node a secret belongs to. A wrong secret counts against the caller's address; an
   * address with too many is answered 429 (Retry-After) for any secret that has not
   * authenticated lately, without a lookup. A missing header costs nothing and is not counted.
   */
  async authenticate(secret: string | string[] | undefined, address?: string): Promise<NodeCredential> {
    if (typeof secret !== 'string' || secret === '') throw new UnauthorizedError('missing X-Node-Secret');
    const hash = hashSecret(secret);
    const now = Date.now();
    const checked = await this.throttle.check(address, hash, () => this.cached(hash, now), now);
    if ('owner' in checked) return checked.owner;
    if (checked.refused === 'throttled') {
      throw new TooManyRequestsError('too many failed node secrets from this address, try again later', checked.retryAfterSeconds);
    }
    throw new UnauthorizedError('unknown or revoked node secret');
  }

  /** The node of a secret's hash, from the cache or looked up (and then cached, unless revoked meanwhile). */
  private async cached(hash: string, now: number): Promise<NodeCredential | null> {
    let entry = this.cache.get(hash);
    if (!entry || entry.expiresAt <= now) {
      const generation = this.generation;
      entry = { credential: await this.lookup(hash), expiresAt: now + CACHE_TTL_MS };
      if (generation === this.generation) this.remember(hash, entry);
    }
    return entry.credential;
  }

  /**
   * A new secret for the node; every earlier one stops working once the caller's transaction
   * has committed and it has called `forgetServer`. Returns the secret in clear, once.
   */
  async issue(serverId: string, createdById: string | null, tx: Prisma.TransactionClient = this.prisma): Promise<{ secret: string; prefix: string }> {
    const secret = generateSecret(NODE_SECRET_PREFIX);
    await tx.nodeSecret.updateMany({ where: { serverId, revokedAt: null }, data: { revokedAt: new Date() } });
    await tx.nodeSecret.create({ data: { serverId, prefix: secretPrefix(secret), secretHash: hashSecret(secret), createdById } });
    return { secret, prefix: secretPrefix(secret) };
  }

  /** Revokes every secret of the node (effective as for `issue`); returns how many were active. */
  async revoke(serverId: string, tx: Prisma.TransactionClient = this.prisma): Promise<number> {
    const { count } = await tx.nodeSecret.updateMany({ where: { serverId, revokedAt: null }, data: { revokedAt: new Date() } });
    return count;
  }

  /** The node's active secret, as lists show it. */
  active(serverId: string): Promise<{ prefix: string; createdAt: Date; lastUsedAt: Date | null } | null> {
    return this.prisma.nodeSecret.findFirst({
      where: { serverId, revokedAt: null },
      orderBy: { createdAt: 'desc' },
      select: { prefix: true, createdAt: true, lastUsedAt: true },
    });
  }

  /** Drops cached lookups of a node (its secrets changed, or it was deleted). */
  forgetServer(serverId: string): void {
    this.generation++;
    for (const [hash, entry] of this.cache) if (entry.credential?.serverId === serverId) this.cache.delete(hash);
  }

  private async lookup(hash: string): Promise<NodeCredential | null> {
    const row = await this.prisma.nodeSecret.findUnique({
      where: { secretHash: hash },
      select: { id: true, serverId: true, revokedAt: true, server: { select: { source: true, group: true } } },
    });
    if (!row || row.revokedAt || row.server.source !== 'ithiltir') return null;
    // Refreshed once per cache period, not per report.
    await this.prisma.nodeSecret.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
    return { serverId: row.serverId, secretId: row.id, group: row.server.group };
  }

  private remember(hash: string, entry: CacheEntry): void {
    this.cache.delete(hash);
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(hash, entry);
  }
}
