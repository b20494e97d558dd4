import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { CredentialCache } from '../../../identity/machine-credentials/credential-cache';
import { CredentialThrottle } from '../../../identity/machine-credentials/credential-throttle';
import { SharedWindows } from '../../../platform/cluster/shared-windows';
import { PharosConfig } from '../../../platform/config/pharos-config';
import type { DbTransaction } from '../../../platform/database/transactions';
import { FleetEventBus } from '../../../platform/events/fleet-event-bus';
import { TooManyRequestsError, UnauthorizedError } from '../../../platform/errors/domain-errors';
import { generateSecret, hashSecret, secretPrefix } from '../../../platform/secrets/secret-token';
import { NodeStore } from '../node.store';

/** Who a valid `X-Node-Secret` belongs to. */
export interface NodeCredential {
  serverId: string;
  secretId: string;
  /** The node's group when the secret was looked up (release targets may name groups). */
  group: string | null;
}

const NODE_SECRET_PREFIX = 'pnode_';
/**
 * How long a lookup is trusted. Rotations, revocations and deletions take effect at once (their
 * events); the bound covers changes the bus did not carry.
 */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 10_000;

/**
 * Node secrets: random strings shown to the admin once, stored as SHA-256 only. A node sends
 * its secret on every report, so lookups are cached (unknown secrets too: a new secret is random
 * and cannot be among them), and a reporting node's secret is looked up again in the background
 * about twice a minute.
 */
@Injectable()
export class NodeSecretsService implements OnModuleInit, OnModuleDestroy {
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
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly store: NodeStore,
    private readonly bus: FleetEventBus,
    config: PharosConfig,
    @Optional() windows?: SharedWindows,
  ) {
    this.throttle = CredentialThrottle.fromConfig(config, 'node-secret', windows);
  }

  onModuleInit(): void {
    const forget = (_: unknown, serverId: string) => this.cache.forget((credential) => credential.serverId === serverId);
    this.unsubscribe.push(this.bus.subscribeAll('node.secret-changed', forget), this.bus.subscribeAll('server.deleted', forget));
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
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
   * A new secret for the node, inside the caller's transaction; every earlier one stops working
   * once it has committed and the caller published `node.secret-changed` (or `server.deleted`).
   * Returns the secret in clear, once.
   */
  async issue(serverId: string, createdById: string | null, tx: DbTransaction): Promise<{ secret: string; prefix: string }> {
    const secret = generateSecret(NODE_SECRET_PREFIX);
    await this.store.replaceSecret(serverId, { prefix: secretPrefix(secret), hash: hashSecret(secret), createdById }, tx);
    return { secret, prefix: secretPrefix(secret) };
  }

  /** Revokes every secret of the node (effective as for `issue`); returns how many were active. */
  revoke(serverId: string, tx: DbTransaction): Promise<number> {
    return this.store.revokeSecrets(serverId, tx);
  }

  /** The node's active secret, as lists show it. */
  active(serverId: string): Promise<{ prefix: string; createdAt: Date; lastUsedAt: Date | null } | null> {
    return this.store.activeSecret(serverId);
  }

  /** The nodes of active secrets' hashes; their last use is refreshed once per lookup, not per report. */
  private async lookupMany(hashes: string[]): Promise<Map<string, NodeCredential>> {
    const rows = await this.store.lookupSecrets(hashes);
    return new Map(rows.map((row) => [row.secretHash, { serverId: row.serverId, secretId: row.id, group: row.group }]));
  }
}
