import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaService, type ServerStatus } from '@pharos/database';
import { PharosConfig } from '../config/pharos-config';
import { EventLogService } from '../events/event-log.service';

/**
 * Online/offline state and last-seen time of servers. A status change is written at once, as
 * an event in the server's log; last-seen times of servers already online are kept in memory
 * and written in one batched statement every few seconds, so a report costs no extra write.
 */
@Injectable()
export class ServerPresenceService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ServerPresenceService.name);
  private readonly status = new Map<string, ServerStatus>();
  private readonly pendingSeen = new Map<string, Date>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly prisma: PrismaService,
    private readonly eventLog: EventLogService,
    private readonly config: PharosConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.presenceFlushSeconds * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /**
   * The server just reported. Marks it online (with an event) when it was not; otherwise only
   * remembers the time. True when this call changed the status (and recorded the event).
   */
  async seen(serverId: string, at = new Date(), details?: { message?: string; kind?: string }): Promise<boolean> {
    const known = this.status.get(serverId) ?? (await this.loadStatus(serverId));
    if (known === 'online') {
      this.pendingSeen.set(serverId, at);
      return false;
    }
    return this.setStatus(serverId, 'online', at, {
      kind: details?.kind ?? 'server.online',
      message: details?.message ?? 'Server is online',
      level: 'INFO',
    });
  }

  /** Marks a server offline (with an event saying why), if it is not already. */
  async offline(serverId: string, reason: string, kind = 'server.offline'): Promise<void> {
    const known = this.status.get(serverId) ?? (await this.loadStatus(serverId));
    if (known === 'offline') return;
    await this.setStatus(serverId, 'offline', new Date(), { kind, message: reason, level: 'WARN' });
  }

  /** Forgets cached state (e.g. after the server was deleted). */
  forget(serverId: string): void {
    this.status.delete(serverId);
    this.pendingSeen.delete(serverId);
  }

  /** Writes pending last-seen times in one statement. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pendingSeen.size === 0) return;
      const batch = [...this.pendingSeen];
      this.pendingSeen.clear();
      try {
        await this.prisma.$executeRawUnsafe(
          `UPDATE "Server" AS s SET "lastSeenAt" = v.at
             FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)
            WHERE s.id = v.id AND (s."lastSeenAt" IS NULL OR s."lastSeenAt" < v.at)`,
          batch.map(([id]) => id),
          batch.map(([, at]) => at.toISOString()),
        );
      } catch (error) {
        this.logger.warn({ err: error }, 'could not write last-seen times');
      }
    });
    return this.flushing;
  }

  private async loadStatus(serverId: string): Promise<ServerStatus | undefined> {
    const row = await this.prisma.server.findUnique({ where: { id: serverId }, select: { status: true } });
    if (row) this.status.set(serverId, row.status);
    return row?.status;
  }

  private async setStatus(
    serverId: string,
    status: ServerStatus,
    at: Date,
    event: { kind: string; message: string; level: 'INFO' | 'WARN' },
  ): Promise<boolean> {
    const changed = await this.prisma.server.updateMany({
      where: { id: serverId, status: { not: status } },
      data: { status, statusChangedAt: at, ...(status === 'online' ? { lastSeenAt: at } : {}) },
    });
    this.status.set(serverId, status);
    if (status === 'offline') this.pendingSeen.delete(serverId);
    if (changed.count > 0) await this.eventLog.record('server', serverId, { ...event, at });
    return changed.count > 0;
  }
}
