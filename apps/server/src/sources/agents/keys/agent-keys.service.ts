import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { AgentApiKey } from '@pharos/database';
import type { AgentKeyView, IssuedAgentKey } from '@pharos/protocol';
import type { AuditActor } from '../../../identity/audit/audit-log.service';
import { AuditLogService } from '../../../identity/audit/audit-log.service';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { Transactions } from '../../../platform/database/transactions';
import { ConflictError, NotFoundError } from '../../../platform/errors/domain-errors';
import { FleetEventBus } from '../../../platform/events/fleet-event-bus';
import { generateSecret, hashSecret, secretPrefix } from '../../../platform/secrets/secret-token';
import { isUuid } from '../../../platform/http/uuid';
import { reporterOf, ServersService } from '../../../fleet/servers/servers.service';
import { AgentKeyStore } from '../agent-key.store';

/** Agent API keys start with this, so a leaked one is recognisable (and greppable). */
export const AGENT_KEY_PREFIX = 'pak_';

/** A key that authenticated: which server it speaks for. */
export interface VerifiedAgentKey {
  keyId: string;
  serverId: string;
  /** The key's first characters, as lists show them. */
  prefix: string;
}

export function toAgentKeyView(key: AgentApiKey): AgentKeyView {
  return {
    id: key.id,
    serverId: key.serverId,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    createdById: key.createdById,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Agent API keys: one key speaks for one server; a server may have several (rotation). A key
 * is shown once when issued and only its SHA-256 is stored. Verified keys are remembered for a
 * short while, so a reconnecting agent costs one write (its last-used time) instead of a
 * lookup. Revoking a key publishes `agent-key.revoked`: this cache forgets it and the session
 * registry closes its connection at once.
 */
@Injectable()
export class AgentKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly verified = new Map<string, { key: VerifiedAgentKey; until: number }>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly store: AgentKeyStore,
    private readonly transactions: Transactions,
    private readonly servers: ServersService,
    private readonly audit: AuditLogService,
    private readonly bus: FleetEventBus,
    private readonly config: PharosConfig,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.bus.subscribeAll('agent-key.revoked', (_, keyId) => this.forget((key) => key.keyId === keyId)),
      this.bus.subscribeAll('server.deleted', (_, serverId) => this.forget((key) => key.serverId === serverId)),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Issues a key for an agent server; the returned `apiKey` is never shown again. */
  async issue(serverId: string, actor: AuditActor): Promise<IssuedAgentKey> {
    const server = await this.servers.get(serverId);
    if (server.source !== 'agent') throw new ConflictError(`server ${serverId} is reported by ${reporterOf(server.source)}, not an agent`);
    const apiKey = generateSecret(AGENT_KEY_PREFIX);
    const key = await this.transactions.run(async (tx) => {
      const created = await this.store.create({ serverId, keyHash: hashSecret(apiKey), prefix: secretPrefix(apiKey), createdById: actor.id }, tx);
      await this.audit.record(actor, 'agent_key.create', { type: 'server', id: serverId }, { keyId: created.id, prefix: created.prefix }, tx);
      return created;
    });
    return { ...toAgentKeyView(key), apiKey };
  }

  async list(serverId: string): Promise<AgentKeyView[]> {
    await this.servers.get(serverId);
    const keys = await this.store.keysOf(serverId);
    return keys.map(toAgentKeyView);
  }

  /**
   * Revokes a key; once committed, `agent-key.revoked` closes the agent connected with it.
   * Revoking twice is harmless, and publishes again.
   */
  async revoke(serverId: string, keyId: string, actor: AuditActor): Promise<AgentKeyView> {
    const key = isUuid(keyId) ? await this.store.findOfServer(keyId, serverId) : null;
    if (!key) throw new NotFoundError(`agent key ${keyId} not found for server ${serverId}`);
    const revoked = key.revokedAt
      ? key
      : await this.transactions.run(async (tx) => {
          const updated = await this.store.revoke(keyId, new Date(), tx);
          await this.audit.record(actor, 'agent_key.revoke', { type: 'server', id: serverId }, { keyId, prefix: key.prefix }, tx);
          return updated;
        });
    this.bus.publish('agent-key.revoked', keyId, {});
    return toAgentKeyView(revoked);
  }

  /** The server a presented key speaks for, or null when it is unknown, revoked or orphaned. */
  async verify(apiKey: string): Promise<VerifiedAgentKey | null> {
    const hash = hashSecret(apiKey);
    const now = Date.now();
    const cached = this.verified.get(hash);
    if (cached && cached.until > now) {
      // The last-used write doubles as the check that the key was not revoked (or its server
      // removed) since, by another Pharos instance too.
      if (await this.markUsed(cached.key.keyId)) return cached.key;
    }
    this.verified.delete(hash);
    const key = await this.store.lookup(hash);
    if (!key || key.revokedAt || key.server.deletedAt || key.server.source !== 'agent') return null;
    const verified = { keyId: key.id, serverId: key.serverId, prefix: key.prefix };
    if (!(await this.markUsed(key.id))) return null;
    if (this.config.agentKeyCacheSeconds > 0) this.verified.set(hash, { key: verified, until: now + this.config.agentKeyCacheSeconds * 1000 });
    return verified;
  }

  /** One write per connection: last-used is the time of the last successful authentication. */
  private markUsed(keyId: string): Promise<boolean> {
    return this.store.markUsed(keyId, new Date());
  }

  /** Forgets the verified keys that match (revoked, or their server deleted). */
  private forget(match: (key: VerifiedAgentKey) => boolean): void {
    for (const [hash, { key }] of this.verified) if (match(key)) this.verified.delete(hash);
  }
}
