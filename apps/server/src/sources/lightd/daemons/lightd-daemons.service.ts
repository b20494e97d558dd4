import { Injectable } from '@nestjs/common';
import { type LightdDaemon, Prisma } from '@pharos/database';
import {
  type ContainerCounts,
  type DaemonDetailView,
  type DaemonUsageView,
  type DaemonView,
  type IssuedRemoteToken,
  LIGHTD_REMOTE_PREFIX,
  LIGHTD_TOKEN_PREFIX,
} from '@pharos/protocol';
import { randomUUID } from 'node:crypto';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { recentUsageSince } from '../usage/usage-sample';
import { type DbTransaction, Transactions } from '../../../platform/database/transactions';
import { ConflictError, NotFoundError } from '../../../platform/errors/domain-errors';
import { type AuditActor, AuditLogService } from '../../../identity/audit/audit-log.service';
import { FleetEventBus } from '../../../platform/events/fleet-event-bus';
import { ServersService } from '../../../fleet/servers/servers.service';
import { generateHexSecret, hashSecret, secretPrefix } from '../../../platform/secrets/secret-token';
import { ContainerConsoleHub } from '../console/container-console-hub';
import { DaemonStore, emptyCounts, emptyUsage, type RemoteTokenColumns } from '../store/daemon.store';
import { DaemonApiTokenVault } from './daemon-api-token-vault';

const TARGET_TYPE = 'lightd_daemon';

/**
 * Registers Lightd daemons, issues their remote tokens, and answers the admin views of them.
 * Each daemon has a fleet server (source `lightd`) where its containers' usage history is
 * kept: created, renamed and deleted with it, in the same transaction. A rotated or revoked
 * token is published (`daemon.token-changed`), as is a removed daemon (`daemon.deleted`, and
 * its server's `server.deleted`), once committed: the caches and consoles of it subscribe.
 */
@Injectable()
export class LightdDaemonsService {
  constructor(
    private readonly store: DaemonStore,
    private readonly transactions: Transactions,
    private readonly audit: AuditLogService,
    private readonly apiTokens: DaemonApiTokenVault,
    private readonly consoles: ContainerConsoleHub,
    private readonly bus: FleetEventBus,
    private readonly config: PharosConfig,
    private readonly servers: ServersService,
  ) {}

  async register(actor: AuditActor, input: { name: string; apiUrl: string; apiToken?: string }): Promise<IssuedRemoteToken> {
    const id = randomUUID();
    const remoteToken = generateHexSecret(LIGHTD_TOKEN_PREFIX, 16);
    const apiUrl = normalizeApiUrl(input.apiUrl);
    const daemon = await this.write({ name: input.name }, async (tx) => {
      const server = await this.servers.create({ name: input.name, source: 'lightd' }, tx);
      const created = await this.store.create(
        {
          id,
          serverId: server.id,
          name: input.name,
          apiUrl,
          apiTokenSealed: input.apiToken === undefined ? null : this.apiTokens.seal(id, input.apiToken),
          remoteToken: remoteTokenColumns(remoteToken),
        },
        tx,
      );
      await this.audit.record(actor, 'lightd.daemon.register', { type: TARGET_TYPE, id }, { name: input.name, apiUrl, apiToken: input.apiToken !== undefined }, tx);
      return created;
    });
    return this.issued(daemon, remoteToken);
  }

  async list(): Promise<DaemonView[]> {
    const daemons = await this.store.list();
    const counts = await this.store.containerCounts();
    const usage = await this.store.usageTotals(this.recentSince());
    return daemons.map((daemon) => toDaemonView(daemon, counts.get(daemon.id), usage.get(daemon.id)));
  }

  async get(id: string): Promise<DaemonDetailView> {
    const daemon = await this.store.find(id);
    if (!daemon) throw notFound(id);
    const counts = await this.store.containerCounts(id);
    const usage = await this.store.usageTotals(this.recentSince(), id);
    return { ...toDaemonView(daemon, counts.get(id), usage.get(id)), remoteConfig: daemon.remoteConfig, remoteConfigAt: iso(daemon.remoteConfigAt) };
  }

  private recentSince(): Date {
    return recentUsageSince(this.config);
  }

  async update(actor: AuditActor, id: string, input: { name?: string; apiUrl?: string; apiToken?: string }): Promise<DaemonDetailView> {
    const apiUrl = input.apiUrl === undefined ? undefined : normalizeApiUrl(input.apiUrl);
    await this.write({ id, name: input.name }, async (tx) => {
      await this.store.update(
        id,
        {
          name: input.name,
          apiUrl,
          ...(input.apiToken === undefined ? {} : { apiTokenSealed: this.apiTokens.seal(id, input.apiToken) }),
        },
        tx,
      );
      if (input.name !== undefined) await this.servers.renameWithin(await this.store.serverOf(id, tx), input.name, tx);
      const changed = { ...(input.name !== undefined && { name: input.name }), ...(apiUrl !== undefined && { apiUrl }), ...(input.apiToken !== undefined && { apiToken: 'replaced' }) };
      await this.audit.record(actor, 'lightd.daemon.update', { type: TARGET_TYPE, id }, changed, tx);
    });
    // Open consoles reconnect with the new address or token.
    if (apiUrl !== undefined || input.apiToken !== undefined) this.consoles.reconnectDaemon(id);
    return this.get(id);
  }

  /** A new remote token; the old one stops working at once. */
  async rotateRemoteToken(actor: AuditActor, id: string): Promise<IssuedRemoteToken> {
    const remoteToken = generateHexSecret(LIGHTD_TOKEN_PREFIX, 16);
    const daemon = await this.write({ id }, async (tx) => {
      const updated = await this.store.setRemoteToken(id, remoteTokenColumns(remoteToken), tx);
      await this.audit.record(actor, 'lightd.daemon.rotate_token', { type: TARGET_TYPE, id }, { prefix: secretPrefix(remoteToken) }, tx);
      return updated;
    });
    this.bus.publish('daemon.token-changed', id, {});
    return this.issued(daemon, remoteToken);
  }

  /** The daemon can no longer report until a new token is issued. */
  async revokeRemoteToken(actor: AuditActor, id: string): Promise<void> {
    await this.write({ id }, async (tx) => {
      await this.store.setRemoteToken(id, null, tx);
      await this.audit.record(actor, 'lightd.daemon.revoke_token', { type: TARGET_TYPE, id }, undefined, tx);
    });
    this.bus.publish('daemon.token-changed', id, {});
  }

  /**
   * Removes the daemon with its containers and update history, and its server with the usage
   * history (their event logs stay); its token stops working and its consoles close
   * (`daemon.deleted`, `server.deleted`).
   */
  async remove(actor: AuditActor, id: string): Promise<void> {
    const removed = await this.write({ id }, async (tx) => {
      const daemon = await this.store.delete(id, tx);
      await this.servers.deleteWithin(daemon.serverId, tx);
      await this.audit.record(actor, 'lightd.daemon.delete', { type: TARGET_TYPE, id }, { name: daemon.name }, tx);
      return daemon;
    });
    this.bus.publish('daemon.deleted', id, {});
    this.bus.publish('server.deleted', removed.serverId, {});
  }

  private issued(daemon: LightdDaemon, remoteToken: string): IssuedRemoteToken {
    return {
      daemon: toDaemonView(daemon, undefined, undefined),
      remoteToken,
      lightdConfig: { remote: { enabled: true, url: `${this.config.publicUrl}${LIGHTD_REMOTE_PREFIX}`, token: remoteToken } },
    };
  }

  /** One audited write; a taken name is a 409, a missing daemon a 404. */
  private async write<T>(daemon: { id?: string; name?: string }, work: (tx: DbTransaction) => Promise<T>): Promise<T> {
    try {
      return await this.transactions.run(work);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError) {
        if (error.code === 'P2002') throw new ConflictError(`a daemon named "${daemon.name}" already exists`);
        if (error.code === 'P2025' && daemon.id) throw notFound(daemon.id);
      }
      throw error;
    }
  }
}

function remoteTokenColumns(token: string): RemoteTokenColumns {
  return { remoteTokenHash: hashSecret(token), remoteTokenPrefix: secretPrefix(token), remoteTokenIssuedAt: new Date() };
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`no Lightd daemon ${id}`);
}

/** `http://node-7:8070/` → `http://node-7:8070`: paths are appended to it. */
function normalizeApiUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

export function toDaemonView(daemon: LightdDaemon, counts: ContainerCounts | undefined, usage: DaemonUsageView | undefined): DaemonView {
  return {
    id: daemon.id,
    name: daemon.name,
    serverId: daemon.serverId,
    apiUrl: daemon.apiUrl,
    hasApiToken: daemon.apiTokenSealed !== null,
    remoteToken: daemon.remoteTokenPrefix ? { prefix: daemon.remoteTokenPrefix, issuedAt: iso(daemon.remoteTokenIssuedAt) } : null,
    status: daemon.status,
    statusChangedAt: iso(daemon.statusChangedAt),
    lastSeenAt: iso(daemon.lastSeenAt),
    lastHealthAt: iso(daemon.lastHealthAt),
    lastUpdateAt: iso(daemon.lastUpdateAt),
    createdAt: daemon.createdAt.toISOString(),
    updatedAt: daemon.updatedAt.toISOString(),
    containers: counts ?? emptyCounts(),
    usage: usage ?? emptyUsage(),
  };
}

const iso = (at: Date | null): string | null => at?.toISOString() ?? null;
