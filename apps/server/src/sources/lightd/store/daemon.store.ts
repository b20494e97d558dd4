import { Injectable } from '@nestjs/common';
import { type ContainerStatus, type DaemonStatus, type LightdDaemon, Prisma, PrismaService } from '@pharos/database';
import type { ContainerCounts, DaemonUsageView } from '@pharos/protocol';
import type { DbTransaction } from '../../../platform/database/transactions';

export interface NewDaemon {
  id: string;
  /** The fleet server that stands for it, created in the same transaction. */
  serverId: string;
  name: string;
  apiUrl: string;
  apiTokenSealed: string | null;
  remoteToken: RemoteTokenColumns;
}

/** What an admin may change of a daemon; absent fields stay. */
export interface DaemonChanges {
  name?: string;
  apiUrl?: string;
  apiTokenSealed?: string;
}

/** A remote token as kept: its hash, its prefix (for lists), when it was issued. */
export interface RemoteTokenColumns {
  remoteTokenHash: string;
  remoteTokenPrefix: string;
  remoteTokenIssuedAt: Date;
}

/** What a call from a daemon sets beside "last seen". */
export interface CallFields {
  lastHealthAt?: Date;
  remoteConfig?: Prisma.InputJsonObject;
  remoteConfigAt?: Date;
}

/** An online daemon silent since before the sweep's cutoff. */
export interface SilentDaemon {
  id: string;
  name: string;
  lastSeenAt: Date | null;
}

/** Online daemons whose last call is older than `cutoff` (or that never called). */
const silentSince = (cutoff: Date) => ({ status: 'online' as const, OR: [{ lastSeenAt: { lt: cutoff } }, { lastSeenAt: null }] });

/**
 * Lightd daemons' SQL: registration and remote tokens, liveness (last seen, online/offline),
 * the configuration they report, and how many containers each has. The hot path's statements
 * that touch daemons are in `update-batch.store.ts`.
 */
@Injectable()
export class DaemonStore {
  constructor(private readonly prisma: PrismaService) {}

  create(daemon: NewDaemon, tx: DbTransaction): Promise<LightdDaemon> {
    const { remoteToken, ...columns } = daemon;
    return tx.lightdDaemon.create({ data: { ...columns, ...remoteToken } });
  }

  list(): Promise<LightdDaemon[]> {
    return this.prisma.lightdDaemon.findMany({ orderBy: { name: 'asc' } });
  }

  find(id: string): Promise<LightdDaemon | null> {
    return this.prisma.lightdDaemon.findUnique({ where: { id } });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.prisma.lightdDaemon.findUnique({ where: { id }, select: { id: true } })) !== null;
  }

  /** The daemon's fleet server; throws Prisma's P2025 when there is no such daemon. */
  async serverOf(id: string, tx: DbTransaction): Promise<string> {
    const row = await tx.lightdDaemon.findUniqueOrThrow({ where: { id }, select: { serverId: true } });
    return row.serverId;
  }

  /** Throws Prisma's P2025 when there is no such daemon, P2002 when the name is taken. */
  async update(id: string, changes: DaemonChanges, tx: DbTransaction): Promise<void> {
    await tx.lightdDaemon.update({ where: { id }, data: changes });
  }

  /** A new remote token, or none (revoked); throws Prisma's P2025 when there is no such daemon. */
  setRemoteToken(id: string, token: RemoteTokenColumns | null, tx: DbTransaction): Promise<LightdDaemon> {
    const columns = token ?? { remoteTokenHash: null, remoteTokenPrefix: null, remoteTokenIssuedAt: null };
    return tx.lightdDaemon.update({ where: { id }, data: columns });
  }

  /** Deletes the daemon with its containers and update history; throws Prisma's P2025 when there is none. */
  delete(id: string, tx: DbTransaction): Promise<LightdDaemon> {
    return tx.lightdDaemon.delete({ where: { id } });
  }

  /** The daemons holding these remote token hashes. */
  async byRemoteTokenHash(hashes: string[]): Promise<Map<string, { id: string; name: string; serverId: string }>> {
    const daemons = await this.prisma.lightdDaemon.findMany({ where: { remoteTokenHash: { in: hashes } }, select: { id: true, name: true, serverId: true, remoteTokenHash: true } });
    return new Map(daemons.map(({ remoteTokenHash, ...daemon }) => [remoteTokenHash!, daemon]));
  }

  /** Container counts by status, of one daemon or of all, by daemon id. */
  async containerCounts(daemonId?: string): Promise<Map<string, ContainerCounts>> {
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

  /** The latest gauges of the containers whose gauge arrived since `since`, summed per daemon (of one, or all). */
  async usageTotals(since: Date, daemonId?: string): Promise<Map<string, DaemonUsageView>> {
    const groups = await this.prisma.lightdContainer.groupBy({
      by: ['daemonId'],
      where: { usageReceivedAt: { gte: since }, ...(daemonId ? { daemonId } : {}) },
      _count: { _all: true },
      _sum: { usageMemoryGb: true, usageCpuVcpus: true, usageStorageGb: true, usageEgressGb: true, usageCost: true },
      _max: { usageAt: true },
    });
    return new Map(
      groups.map((g) => [
        g.daemonId,
        {
          containers: g._count._all,
          memoryGb: g._sum.usageMemoryGb ?? 0,
          cpuVcpus: g._sum.usageCpuVcpus ?? 0,
          storageGb: g._sum.usageStorageGb ?? 0,
          egressGb: g._sum.usageEgressGb ?? 0,
          estimatedCost: g._sum.usageCost ?? 0,
          at: g._max.usageAt?.toISOString() ?? null,
        },
      ]),
    );
  }

  /**
   * A call from the daemon: "last seen" at `at`, plus `fields`. Returns its status (which this
   * does not change), or null when the daemon is gone.
   */
  async noteCall(id: string, at: Date, fields: CallFields, tx: DbTransaction): Promise<DaemonStatus | null> {
    try {
      const row = await tx.lightdDaemon.update({ where: { id }, data: { lastSeenAt: at, ...fields }, select: { status: true } });
      return row.status;
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') return null;
      throw error;
    }
  }

  /** Marks the daemon online since `at` unless it already is; true when this changed it. */
  async markOnline(id: string, at: Date, tx: DbTransaction): Promise<boolean> {
    const { count } = await tx.lightdDaemon.updateMany({ where: { id, status: { not: 'online' } }, data: { status: 'online', statusChangedAt: at } });
    return count > 0;
  }

  /** Online daemons silent since before `cutoff`. */
  silentOnline(cutoff: Date): Promise<SilentDaemon[]> {
    return this.prisma.lightdDaemon.findMany({ where: silentSince(cutoff), select: { id: true, name: true, lastSeenAt: true } });
  }

  /**
   * Marks the daemon offline at `at` if it is still online and silent since before `cutoff`
   * (conditional, so a call that arrived meanwhile, or another instance's sweep, wins); true
   * when this changed it.
   */
  async markOfflineIfSilent(id: string, cutoff: Date, at: Date, tx: DbTransaction): Promise<boolean> {
    const { count } = await tx.lightdDaemon.updateMany({ where: { id, ...silentSince(cutoff) }, data: { status: 'offline', statusChangedAt: at } });
    return count > 0;
  }
}

export function emptyCounts(): ContainerCounts {
  return { total: 0, installing: 0, ready: 0, failed: 0, unknown: 0 };
}

export function emptyUsage(): DaemonUsageView {
  return { containers: 0, memoryGb: 0, cpuVcpus: 0, storageGb: 0, egressGb: 0, estimatedCost: 0, at: null };
}
