import { Injectable } from '@nestjs/common';
import { type LightdContainer, type LightdUpdate, type Prisma, PrismaService } from '@pharos/database';
import type { ContainerHistoryPage, ContainerUpdateView, ContainerView } from '@pharos/protocol';
import { NotFoundError } from '../../../platform/errors/domain-errors';
import type { ContainerStatusFilter } from './lightd-containers.dto';

export interface ContainerPage {
  items: ContainerView[];
  total: number;
  limit: number;
  offset: number;
}

const DEFAULT_PAGE_SIZE = 50;
const WITH_DAEMON = { daemon: { select: { id: true, name: true, status: true } } } as const;

/** The admin views of Lightd containers: current state per daemon, and each one's history. */
@Injectable()
export class LightdContainersService {
  constructor(private readonly prisma: PrismaService) {}

  async list(filter: { daemonId?: string; status?: ContainerStatusFilter; limit?: number; offset?: number }): Promise<ContainerPage> {
    const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
    const offset = filter.offset ?? 0;
    const where: Prisma.LightdContainerWhereInput = {
      ...(filter.daemonId ? { daemonId: filter.daemonId } : {}),
      ...(filter.status ? { status: filter.status === 'unknown' ? null : filter.status } : {}),
    };
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.lightdContainer.findMany({
        where,
        include: WITH_DAEMON,
        orderBy: [{ daemon: { name: 'asc' } }, { internalId: 'asc' }],
        take: limit,
        skip: offset,
      }),
      this.prisma.lightdContainer.count({ where }),
    ]);
    return { items: rows.map(toContainerView), total, limit, offset };
  }

  /** A daemon's containers; 404 when the daemon does not exist (rather than an empty page). */
  async listOfDaemon(daemonId: string, filter: { status?: ContainerStatusFilter; limit?: number; offset?: number }): Promise<ContainerPage> {
    if (!(await this.prisma.lightdDaemon.findUnique({ where: { id: daemonId }, select: { id: true } }))) {
      throw new NotFoundError(`no Lightd daemon ${daemonId}`);
    }
    return this.list({ ...filter, daemonId });
  }

  async get(id: string): Promise<ContainerView> {
    const row = await this.prisma.lightdContainer.findUnique({ where: { id }, include: WITH_DAEMON });
    if (!row) throw notFound(id);
    return toContainerView(row);
  }

  /** Every update received for the container, newest first. */
  async history(id: string, page: { before?: string; limit?: number }): Promise<ContainerHistoryPage> {
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    if (!(await this.prisma.lightdContainer.findUnique({ where: { id }, select: { id: true } }))) throw notFound(id);
    const rows = await this.prisma.lightdUpdate.findMany({
      where: { containerId: id, ...(page.before ? { id: { lt: BigInt(page.before) } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    const items = rows.slice(0, limit).map(toUpdateView);
    return { items, nextBefore: rows.length > limit ? items[items.length - 1]!.id : null };
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`no Lightd container ${id}`);
}

function toContainerView(row: LightdContainer & { daemon: ContainerView['daemon'] }): ContainerView {
  return {
    id: row.id,
    internalId: row.internalId,
    daemon: row.daemon,
    status: row.status,
    statusChangedAt: iso(row.statusChangedAt),
    lastError: row.lastError,
    lastErrorData: row.lastErrorData,
    lastErrorAt: iso(row.lastErrorAt),
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
  };
}

function toUpdateView(row: LightdUpdate): ContainerUpdateView {
  return {
    id: row.id.toString(),
    receivedAt: row.receivedAt.toISOString(),
    event: row.event,
    status: row.status,
    error: row.error,
    data: row.data,
    body: row.body,
  };
}

const iso = (at: Date | null): string | null => at?.toISOString() ?? null;
