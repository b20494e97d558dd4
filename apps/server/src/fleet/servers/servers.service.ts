import { Injectable } from '@nestjs/common';
import type { Server, ServerStatus } from '@pharos/database';
import { AGENT_METRICS_INTERVAL_SECONDS, NODE_DEFAULT_REPORT_INTERVAL_SECONDS, type ServerFacets, type ServerListItem, type ServerView } from '@pharos/protocol';
import { type AuditActor, AuditLogService } from '../../identity/audit/audit-log.service';
import { type DbTransaction, Transactions } from '../../platform/database/transactions';
import { ConflictError, NotFoundError } from '../../platform/errors/domain-errors';
import { FleetEventBus } from '../../platform/events/fleet-event-bus';
import { isUuid } from '../../platform/http/uuid';
import { type ListedServer, type NewServer, type ServerChanges, type ServerIdentity, type ServerQuery, ServerStore } from './server.store';

export type { ListedServer, NewServer, ServerChanges, ServerIdentity, ServerQuery, ServerView };

export function toServerView(server: Server): ServerView {
  return {
    id: server.id,
    name: server.name,
    source: server.source,
    group: server.group,
    tags: server.tags,
    status: server.status,
    statusChangedAt: server.statusChangedAt?.toISOString() ?? null,
    lastSeenAt: server.lastSeenAt?.toISOString() ?? null,
    hostname: server.hostname,
    agentVersion: server.agentVersion,
    commandsEnabled: server.commandsEnabled,
    createdAt: server.createdAt.toISOString(),
    reportIntervalSeconds: reportIntervalOf(server),
  };
}

export function toServerListItem(server: ListedServer): ServerListItem {
  return { ...toServerView(server), alerts: { critical: server.alertsCritical, warning: server.alertsWarning } };
}

/** Agents report at the pace their protocol sets; nodes at the one their Static names. */
function reportIntervalOf(server: Server): number {
  if (server.source === 'agent') return AGENT_METRICS_INTERVAL_SECONDS;
  return server.reportIntervalSeconds ?? NODE_DEFAULT_REPORT_INTERVAL_SECONDS;
}

/**
 * The fleet's servers, whatever reports for them (agent, Ithiltir node, Lightd daemon).
 * Capabilities that add a reporting source create servers here and hang their credentials off
 * them; a Lightd daemon's server is renamed and removed with the daemon, not here.
 */
@Injectable()
export class ServersService {
  constructor(
    private readonly store: ServerStore,
    private readonly transactions: Transactions,
    private readonly audit: AuditLogService,
    private readonly bus: FleetEventBus,
  ) {}

  /**
   * Creates a server, inside the caller's transaction if given. Names are unique in the fleet
   * (compared case-insensitively): a taken one is a 409, and nothing is created.
   */
  create(input: NewServer, tx?: DbTransaction): Promise<Server> {
    const create = async (db: DbTransaction) => {
      await this.assertNameFree(input.name, null, db);
      return this.store.create({ ...input, tags: normalizeTags(input.tags) }, db);
    };
    return tx ? create(tx) : this.transactions.run(create);
  }

  async get(id: string): Promise<Server> {
    const server = await this.find(id);
    if (!server) throw new NotFoundError(`server ${id} not found`);
    return server;
  }

  /** The server, or null when there is none. */
  async find(id: string): Promise<Server | null> {
    return isUuid(id) ? this.store.find(id) : null;
  }

  list(query: ServerQuery): Promise<{ items: ListedServer[]; total: number; byStatus: Record<ServerStatus, number> }> {
    return this.store.list(query);
  }

  /** Changes a server; a new name another server has is a 409 (and nothing changes). */
  async update(id: string, changes: ServerChanges): Promise<Server> {
    const server = await this.get(id);
    if (server.source === 'lightd' && changes.name !== undefined && changes.name !== server.name) {
      throw new ConflictError(`server ${id} stands for a Lightd daemon: rename the daemon (PATCH /api/v1/lightd/daemons/{id})`);
    }
    const normalized = { ...changes, ...(changes.tags ? { tags: normalizeTags(changes.tags) } : {}) };
    if (changes.name === undefined) return this.store.update(id, normalized);
    return this.transactions.run(async (tx) => {
      await this.assertNameFree(changes.name!, id, tx);
      return this.store.update(id, normalized, tx);
    });
  }

  private async assertNameFree(name: string, exceptId: string | null, tx: DbTransaction): Promise<void> {
    if (await this.store.lockAndFindName(name, exceptId, tx)) throw new ConflictError(`a server named "${name}" already exists`, 'name');
  }

  /**
   * Deletes a server with everything hanging off it (history, credentials), audited as
   * `action`; then every cache of it forgets it (`server.deleted`).
   */
  async delete(id: string, actor: AuditActor, action = 'server.delete'): Promise<void> {
    const server = await this.get(id);
    if (server.source === 'lightd') throw new ConflictError(`server ${id} stands for a Lightd daemon: remove the daemon (DELETE /api/v1/lightd/daemons/{id})`);
    await this.transactions.run(async (tx) => {
      await this.store.delete(id, tx);
      await this.audit.record(actor, action, { type: 'server', id }, { name: server.name }, tx);
    });
    this.bus.publish('server.deleted', id, {});
  }

  /**
   * Deletes a server inside the caller's transaction (the capability that owns it removes it
   * with its own entity, e.g. a Lightd daemon); the caller publishes `server.deleted` once
   * committed.
   */
  deleteWithin(id: string, tx: DbTransaction): Promise<void> {
    return this.store.delete(id, tx);
  }

  /** Renames a server inside the caller's transaction (its owning entity was renamed). */
  renameWithin(id: string, name: string, tx: DbTransaction): Promise<void> {
    return this.store.rename(id, name, tx);
  }

  /** Distinct groups and tags in use, for filters. */
  facets(): Promise<ServerFacets> {
    return this.store.facets();
  }

  /** What the server's reporter says of itself; absent fields stay as they are. */
  setIdentity(id: string, identity: ServerIdentity, tx?: DbTransaction): Promise<void> {
    return this.store.setIdentity(id, identity, tx);
  }

  /** The server's name, group and tags (null when the server is gone). */
  scope(id: string): Promise<{ name: string; group: string | null; tags: string[] } | null> {
    return this.store.scope(id);
  }

  /** The server's group (null when none, or when the server is gone). */
  group(id: string): Promise<string | null> {
    return this.store.group(id);
  }
}

/** Who reports for a server, as refusals name it ("server … is reported by an Ithiltir node"). */
export function reporterOf(source: Server['source']): string {
  return source === 'lightd' ? "a Lightd daemon (its containers' usage)" : source === 'ithiltir' ? 'an Ithiltir node' : 'an agent';
}

export function normalizeTags(tags: string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim()).filter(Boolean))].sort();
}
