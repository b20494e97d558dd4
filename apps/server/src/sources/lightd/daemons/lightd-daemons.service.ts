import { Injectable } from '@nestjs/common';
import { type ContainerStatus, type LightdDaemon, Prisma, PrismaService } from '@pharos/database';
import {
  type ContainerCounts,
  type DaemonDetailView,
  type DaemonView,
  type IssuedRemoteToken,
  LIGHTD_REMOTE_PREFIX,
  LIGHTD_TOKEN_PREFIX,
} from '@pharos/protocol';
import { randomUUID } from 'node:crypto';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { ConflictError, NotFoundError } from '../../../platform/errors/domain-errors';
import { type AuditActor, AuditLogService } from '../../../identity/audit/audit-log.service';
import { generateHexSecret, hashSecret, secretPrefix } from '../../../platform/secrets/secret-token';
import { ContainerConsoleHub } from '../console/container-console-hub';
import { DaemonTokenDirectory } from '../remote/daemon-token-directory';
import { LightdUpdateBatchWriter } from '../remote/lightd-update-batch';
import { DaemonApiTokenVault } from './daemon-api-token-vault';

const TARGET_TYPE = 'lightd_daemon';

/** Registers Lightd daemons, issues their remote tokens, and answers the admin views of them. */
@Injectable()
export class LightdDaemonsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogService,
    private readonly apiTokens: DaemonApiTokenVault,
    private readonly directory: DaemonTokenDirectory,
    private readonly consoles: ContainerConsoleHub,
    private readonly config: PharosConfig,
    private readonly updates: LightdUpdateBatchWriter,
  ) {}

  async register(actor: AuditActor, input: { name: string; apiUrl: string; apiToken?: string }): Promise<IssuedRemoteToken> {
    const id = randomUUID();
    const remoteToken = generateHexSecret(LIGHTD_TOKEN_PREFIX, 16);
    const apiUrl = normalizeApiUrl(input.apiUrl);
    const daemon = await this.write({ name: input.name }, async (tx) => {
      const created = await tx.lightdDaemon.create({
        data: {
          id,
          name: input.name,
          apiUrl,
          apiTokenSealed: input.apiToken === undefined ? null : this.apiTokens.seal(id, input.apiToken),
          ...remoteTokenColumns(remoteToken),
        },
      });
      await this.audit.record(actor, 'lightd.daemon.register', { type: TARGET_TYPE, id }, { name: input.name, apiUrl, apiToken: input.apiToken !== undefined }, tx);
      return created;
    });
    return this.issued(daemon, remoteToken);
  }

  async list(): Promise<DaemonView[]> {
    const daemons = await this.prisma.lightdDaemon.findMany({ orderBy: { name: 'asc' } });
    const counts = await this.containerCounts();
    return daemons.map((daemon) => toDaemonView(daemon, counts.get(daemon.id)));
  }

  async get(id: string): Promise<DaemonDetailView> {
    const daemon = await this.prisma.lightdDaemon.findUnique({ where: { id } });
    if (!daemon) throw notFound(id);
    const counts = await this.containerCounts(id);
    return { ...toDaemonView(daemon, counts.get(id)), remoteConfig: daemon.remoteConfig, remoteConfigAt: iso(daemon.remoteConfigAt) };
  }

  async update(actor: AuditActor, id: string, input: { name?: string; apiUrl?: string; apiToken?: string }): Promise<DaemonDetailView> {
    const apiUrl = input.apiUrl === undefined ? undefined : normalizeApiUrl(input.apiUrl);
    await this.write({ id, name: input.name }, async (tx) => {
      await tx.lightdDaemon.update({
        where: { id },
        data: {
          name: input.name,
          apiUrl,
          ...(input.apiToken === undefined ? {} : { apiTokenSealed: this.apiTokens.seal(id, input.apiToken) }),
        },
      });
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
      const updated = await tx.lightdDaemon.update({ where: { id }, data: remoteTokenColumns(remoteToken) });
      await this.audit.record(actor, 'lightd.daemon.rotate_token', { type: TARGET_TYPE, id }, { prefix: secretPrefix(remoteToken) }, tx);
      return updated;
    });
    this.directory.forget(id);
    return this.issued(daemon, remoteToken);
  }

  /** The daemon can no longer report until a new token is issued. */
  async revokeRemoteToken(actor: AuditActor, id: string): Promise<void> {
    await this.write({ id }, async (tx) => {
      await tx.lightdDaemon.update({ where: { id }, data: { remoteTokenHash: null, remoteTokenPrefix: null, remoteTokenIssuedAt: null } });
      await this.audit.record(actor, 'lightd.daemon.revoke_token', { type: TARGET_TYPE, id }, undefined, tx);
    });
    this.directory.forget(id);
  }

  /** Removes the daemon with its containers and update history (their event logs stay). */
  async remove(actor: AuditActor, id: string): Promise<void> {
    await this.write({ id }, async (tx) => {
      const removed = await tx.lightdDaemon.delete({ where: { id } });
      await this.audit.record(actor, 'lightd.daemon.delete', { type: TARGET_TYPE, id }, { name: removed.name }, tx);
    });
    this.directory.forget(id);
    this.updates.forgetDaemon(id);
    this.consoles.endDaemon(id, 'the daemon was removed from Pharos');
  }

  private issued(daemon: LightdDaemon, remoteToken: string): IssuedRemoteToken {
    return {
      daemon: toDaemonView(daemon, undefined),
      remoteToken,
      lightdConfig: { remote: { enabled: true, url: `${this.config.publicUrl}${LIGHTD_REMOTE_PREFIX}`, token: remoteToken } },
    };
  }

  private async containerCounts(daemonId?: string): Promise<Map<string, ContainerCounts>> {
    const groups = await this.prisma.lightdContainer.groupBy({
      by: ['daemonId', 'status'],
      where: daemonId ? { daemonId } : {},
      _count: { _all: true },
    });
    const counts = new Map<string, ContainerCounts>();
    for (const group of groups) {
      const entry = counts.get(group.daemonId) ?? emptyCounts();
      const n = group._count._all;
      entry[(group.status ?? 'unknown') as ContainerStatus | 'unknown'] += n;
      entry.total += n;
      counts.set(group.daemonId, entry);
    }
    return counts;
  }

  /** One audited write; a taken name is a 409, a missing daemon a 404. */
  private async write<T>(daemon: { id?: string; name?: string }, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    try {
      return await this.prisma.$transaction(work);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError) {
        if (error.code === 'P2002') throw new ConflictError(`a daemon named "${daemon.name}" already exists`);
        if (error.code === 'P2025' && daemon.id) throw notFound(daemon.id);
      }
      throw error;
    }
  }
}

function remoteTokenColumns(token: string) {
  return { remoteTokenHash: hashSecret(token), remoteTokenPrefix: secretPrefix(token), remoteTokenIssuedAt: new Date() };
}

function emptyCounts(): ContainerCounts {
  return { total: 0, installing: 0, ready: 0, failed: 0, unknown: 0 };
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`no Lightd daemon ${id}`);
}

/** `http://node-7:8070/` → `http://node-7:8070`: paths are appended to it. */
function normalizeApiUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

export function toDaemonView(daemon: LightdDaemon, counts: ContainerCounts | undefined): DaemonView {
  return {
    id: daemon.id,
    name: daemon.name,
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
  };
}

const iso = (at: Date | null): string | null => at?.toISOString() ?? null;
