import { Injectable, Logger } from '@nestjs/common';
import { type Prisma, PrismaService } from '@pharos/database';
import { CredentialCache } from '../../../identity/machine-credentials/credential-cache';
import { CredentialThrottle } from '../../../identity/machine-credentials/credential-throttle';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { TooManyRequestsError, UnauthorizedError } from '../../../platform/errors/domain-errors';
import { generateSecret, hashSecret, secretPrefix } from '../../../platform/secrets/secret-token';

/** Who a valid `X-Node-Secret` belongs to. */
export interface NodeCredential {
  serverId: string;
  secretId: string;
  /** The node's group when the secret was looked up (release targets may name groups). */
  group: string | null;
}

const NODE_SECRET_PREFIX = 'pnode_';
/**
 * How long a lookup is trusted. Rotations and revocations through this service take effect at
 * once; the bound covers changes made elsewhere (another Pharos, a server deleted).
 */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 10_000;

/**
 * The active secrets among $1 (a JSON array of hashes) of nodes that are still Ithiltir nodes,
 * with their node's group; marks them used. One statement for a whole batch of lookups.
 */
const LOOKUP_SQL = `WITH found AS (
    SELECT s."id", s."secretHash", s."serverId", v."group"
      FROM "NodeSecret" s JOIN "Server" v ON v."id" = s."serverId"
     WHERE s."secretHash" IN (SELECT json_array_elements_text($1::json))
       AND s."revokedAt" IS NULL AND v."source" = 'ithiltir'
  ), used AS (
    UPDATE "NodeSecret" n SET "lastUsedAt" = now() FROM found WHERE n."id" = found."id"
  )
  SELECT "id", "secretHash", "serverId", "group" FROM found`;

/**
 * Node secrets: random strings shown to the admin once, stored as SHA-256 only. A node sends
 * its secret on every report, so lookups are cached (unknown secrets too: a new secret is random
 * and cannot be among them), and a reporting node's secret is looked up again in the background
 * about twice a minute.
 */
@Injectable()
export class NodeSecretsService {
  private readonly logger = new Logger(NodeSecretsService.name);
  private readonly cache = new CredentialCache<NodeCredential>({
    lookupMany: (hashes) => this.lookupMany(hashes),
    ttlMs: CACHE_TTL_MS,
    maxEntries: CACHE_MAX_ENTRIES,
    cacheMisses: true,
    onRefreshError: (error) => this.logger.warn({ err: error }, 'could not look a node secret up again; the cached answer stands until it expires'),
  });
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
    const checked = await this.throttle.check(address, hash, () => this.cache.get(hash, now), now);
    if ('owner' in checked) return checked.owner;
    if (checked.refused === 'throttled') {
      throw new TooManyRequestsError('too many failed node secrets from this address, try again later', checked.retryAfterSeconds);
    }
    throw new UnauthorizedError('unknown or revoked node secret');
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
    this.cache.forget((credential) => credential.serverId === serverId);
  }

  /** The nodes of active secrets' hashes; their last use is refreshed once per lookup, not per report. */
  private async lookupMany(hashes: string[]): Promise<Map<string, NodeCredential>> {
    const rows = await this.prisma.queryDirect<{ id: string; secretHash: string; serverId: string; group: string | null }>(LOOKUP_SQL, [JSON.stringify(hashes)]);
    return new Map(rows.map((row) => [row.secretHash, { serverId: row.serverId, secretId: row.id, group: row.group }]));
  }
}
