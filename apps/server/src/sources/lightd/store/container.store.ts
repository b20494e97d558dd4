import { Injectable } from '@nestjs/common';
import { type ContainerStatus, type DaemonStatus, type LightdContainer, type LightdUpdate, type Prisma, PrismaService } from '@pharos/database';

/** A container with the daemon it belongs to, as the admin views show it. */
export type ContainerWithDaemon = LightdContainer & { daemon: { id: string; name: string; status: DaemonStatus; serverId: string } };

/** A container's latest billing gauge, with its daemon's server (where its usage history goes). */
export interface RecentUsageRow {
  internalId: string;
  usageMemoryGb: number | null;
  usageCpuVcpus: number | null;
  usageStorageGb: number | null;
  usageEgressGb: number | null;
  usageCost: number | null;
  daemon: { serverId: string };
}

export interface ContainerQuery {
  daemonId?: string;
  /** null: containers seen only through events that carry no status. */
  status?: ContainerStatus | null;
  limit: number;
  offset: number;
}

/** What a console needs to show of its container when a viewer attaches. */
export interface ConsoleContainerRow {
  id: string;
  internalId: string;
  status: ContainerStatus | null;
  daemon: { id: string; name: string };
}

/** Where a container's console is: its daemon's API address and sealed token. */
export interface ConsoleEndpointRow {
  internalId: string;
  daemon: { id: string; name: string; apiUrl: string; apiTokenSealed: string | null };
}

const WITH_DAEMON = { daemon: { select: { id: true, name: true, status: true, serverId: true } } } as const;

/** Retention: a batch of the oldest history rows received before $1, at most $2 (by the index on "receivedAt"). */
const DELETE_UPDATES_BEFORE_SQL = `DELETE FROM "LightdUpdate" WHERE "id" IN (
    SELECT "id" FROM "LightdUpdate" WHERE "receivedAt" < $1::timestamptz ORDER BY "receivedAt" LIMIT $2)`;

/**
 * Lightd containers' SQL for the admin API, the console and the usage sampler: their current
 * state and latest gauge, and each one's update history (trimmed by age). The hot path writes them in `update-batch.store.ts`.
 */
@Injectable()
export class ContainerStore {
  constructor(private readonly prisma: PrismaService) {}

  /** At most `limit` history rows received before `cutoff`; returns how many went. */
  deleteUpdatesBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(DELETE_UPDATES_BEFORE_SQL, cutoff.toISOString(), limit);
  }

  /** A page of containers, by daemon name then internal id, with the total (one snapshot). */
  async list(query: ContainerQuery): Promise<{ items: ContainerWithDaemon[]; total: number }> {
    const where: Prisma.LightdContainerWhereInput = {
      ...(query.daemonId ? { daemonId: query.daemonId } : {}),
      ...(query.status !== undefined ? { status: query.status } : {}),
    };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.lightdContainer.findMany({
        where,
        include: WITH_DAEMON,
        orderBy: [{ daemon: { name: 'asc' } }, { internalId: 'asc' }],
        take: query.limit,
        skip: query.offset,
      }),
      this.prisma.lightdContainer.count({ where }),
    ]);
    return { items, total };
  }

  find(id: string): Promise<ContainerWithDaemon | null> {
    return this.prisma.lightdContainer.findUnique({ where: { id }, include: WITH_DAEMON });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.prisma.lightdContainer.findUnique({ where: { id }, select: { id: true } })) !== null;
  }

  /** Up to `take` updates of the container, newest first, older than `before` if given. */
  history(id: string, page: { before?: bigint; take: number }): Promise<LightdUpdate[]> {
    return this.prisma.lightdUpdate.findMany({
      where: { containerId: id, ...(page.before ? { id: { lt: page.before } } : {}) },
      orderBy: { id: 'desc' },
      take: page.take,
    });
  }

  forConsole(id: string): Promise<ConsoleContainerRow | null> {
    return this.prisma.lightdContainer.findUnique({
      where: { id },
      select: { id: true, internalId: true, status: true, daemon: { select: { id: true, name: true } } },
    });
  }

  /** The latest gauge of every container whose gauge arrived since `since` (those running), by daemon. */
  recentUsage(since: Date): Promise<RecentUsageRow[]> {
    return this.prisma.lightdContainer.findMany({
      where: { usageReceivedAt: { gte: since } },
      select: {
        internalId: true,
        usageMemoryGb: true,
        usageCpuVcpus: true,
        usageStorageGb: true,
        usageEgressGb: true,
        usageCost: true,
        daemon: { select: { serverId: true } },
      },
      orderBy: [{ daemonId: 'asc' }, { internalId: 'asc' }],
    });
  }

  /** Read afresh on each connect, so a changed address or token is used. */
  consoleEndpoint(id: string): Promise<ConsoleEndpointRow | null> {
    return this.prisma.lightdContainer.findUnique({
      where: { id },
      select: { internalId: true, daemon: { select: { id: true, name: true, apiUrl: true, apiTokenSealed: true } } },
    });
  }
}
