import { Injectable } from '@nestjs/common';
import type { LightdUpdate } from '@pharos/database';
import type { ContainerHistoryPage, ContainerUpdateView, ContainerUsageView, ContainerView } from '@pharos/protocol';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { recentUsageSince } from '../usage/usage-sample';
import { NotFoundError } from '../../../platform/errors/domain-errors';
import { ContainerStore, type ContainerWithDaemon } from '../store/container.store';
import { DaemonStore } from '../store/daemon.store';
import type { ContainerStatusFilter } from './lightd-containers.dto';

export interface ContainerPage {
  items: ContainerView[];
  total: number;
  limit: number;
  offset: number;
}

const DEFAULT_PAGE_SIZE = 50;

/** The admin views of Lightd containers: current state and latest usage per daemon, and each one's history. */
@Injectable()
export class LightdContainersService {
  constructor(
    private readonly store: ContainerStore,
    private readonly daemons: DaemonStore,
    private readonly config: PharosConfig,
  ) {}

  async list(filter: { daemonId?: string; status?: ContainerStatusFilter; limit?: number; offset?: number }): Promise<ContainerPage> {
    const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
    const offset = filter.offset ?? 0;
    const status = filter.status === undefined ? undefined : filter.status === 'unknown' ? null : filter.status;
    const { items, total } = await this.store.list({ daemonId: filter.daemonId, status, limit, offset });
    const recentSince = this.recentSince();
    return { items: items.map((row) => toContainerView(row, recentSince)), total, limit, offset };
  }

  /** A daemon's containers; 404 when the daemon does not exist (rather than an empty page). */
  async listOfDaemon(daemonId: string, filter: { status?: ContainerStatusFilter; limit?: number; offset?: number }): Promise<ContainerPage> {
    if (!(await this.daemons.exists(daemonId))) throw new NotFoundError(`no Lightd daemon ${daemonId}`);
    return this.list({ ...filter, daemonId });
  }

  async get(id: string): Promise<ContainerView> {
    const row = await this.store.find(id);
    if (!row) throw notFound(id);
    return toContainerView(row, this.recentSince());
  }

  private recentSince(): Date {
    return recentUsageSince(this.config);
  }

  /** Every update received for the container, newest first. */
  async history(id: string, page: { before?: string; limit?: number }): Promise<ContainerHistoryPage> {
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    if (!(await this.store.exists(id))) throw notFound(id);
    const rows = await this.store.history(id, { before: page.before ? BigInt(page.before) : undefined, take: limit + 1 });
    const items = rows.slice(0, limit).map(toUpdateView);
    return { items, nextBefore: rows.length > limit ? items[items.length - 1]!.id : null };
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`no Lightd container ${id}`);
}

function toContainerView(row: ContainerWithDaemon, recentSince: Date): ContainerView {
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
    usage: usageView(row, recentSince),
  };
}

function usageView(row: ContainerWithDaemon, recentSince: Date): ContainerUsageView | null {
  if (!row.usageReceivedAt) return null;
  return {
    memoryGb: row.usageMemoryGb,
    cpuVcpus: row.usageCpuVcpus,
    storageGb: row.usageStorageGb,
    egressGb: row.usageEgressGb,
    estimatedCost: row.usageCost,
    at: iso(row.usageAt),
    receivedAt: row.usageReceivedAt.toISOString(),
    running: row.usageReceivedAt >= recentSince,
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
