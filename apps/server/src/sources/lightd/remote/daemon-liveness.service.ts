import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Prisma, PrismaService } from '@pharos/database';
import type { LogEntryData } from '@pharos/protocol';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { UnauthorizedError } from '../../../platform/errors/domain-errors';
import { EventLogService } from '../../../fleet/event-log/event-log.service';
import { DaemonTokenDirectory, type ReportingDaemon } from './daemon-token-directory';
import { daemonOnlineEntry, LightdUpdateBatchWriter } from './lightd-update-batch';

/**
 * Whether each daemon is online: it is online from any authenticated call (Lightd checks
 * `/health` every 30 s) and offline after a configurable silence. Both changes are events in
 * the daemon's log.
 */
@Injectable()
export class DaemonLiveness implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DaemonLiveness.name);
  private timer?: NodeJS.Timeout;
  private sweeping: Promise<unknown> | null = null;

  constructor(
    private readonly prisma: PrismaService,
    private readonly eventLog: EventLogService,
    private readonly directory: DaemonTokenDirectory,
    private readonly config: PharosConfig,
    private readonly updates: LightdUpdateBatchWriter,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.markSilentDaemonsOffline()
        .catch((error: unknown) => this.logger.error({ err: error }, 'offline sweep failed'))
        .finally(() => (this.sweeping = null));
    }, this.config.lightd.offlineSweepSeconds * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /**
   * Records a call inside the caller's transaction: "last seen" plus `fields`, and the daemon
   * coming online when it was not. Returns the log entries to publish once it commits.
   */
  async noteCall(
    tx: Prisma.TransactionClient,
    daemon: ReportingDaemon,
    at: Date,
    fields: Prisma.LightdDaemonUpdateInput = {},
  ): Promise<LogEntryData[]> {
    let previous: { status: string };
    try {
      previous = await tx.lightdDaemon.update({ where: { id: daemon.id }, data: { lastSeenAt: at, ...fields }, select: { status: true } });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') {
        // Deleted after its token was cached (e.g. on another Pharos instance).
        this.directory.forget(daemon.id);
        throw new UnauthorizedError('invalid token: no daemon is registered with it');
      }
      throw error;
    }
    if (previous.status === 'online') return [];
    const { count } = await tx.lightdDaemon.updateMany({
      where: { id: daemon.id, status: { not: 'online' } },
      data: { status: 'online', statusChangedAt: at },
    });
    if (count === 0) return [];
    return [await this.eventLog.append('lightd_daemon', daemon.id, daemonOnlineEntry(daemon, previous.status, at), tx)];
  }

  /** Marks offline every online daemon silent for longer than the configured time. */
  async markSilentDaemonsOffline(now = new Date()): Promise<string[]> {
    const seconds = this.config.lightd.offlineAfterSeconds;
    const cutoff = new Date(now.getTime() - seconds * 1000);
    const silentWhere = { status: 'online' as const, OR: [{ lastSeenAt: { lt: cutoff } }, { lastSeenAt: null }] };
    const silent = await this.prisma.lightdDaemon.findMany({ where: silentWhere, select: { id: true, name: true, lastSeenAt: true } });
    const marked: string[] = [];
    for (const daemon of silent) {
      const entries = await this.prisma.$transaction(async (tx) => {
        // Conditional, so a call that arrived meanwhile (or another instance's sweep) wins.
        const { count } = await tx.lightdDaemon.updateMany({ where: { id: daemon.id, ...silentWhere }, data: { status: 'offline', statusChangedAt: now } });
        if (count === 0) return [];
        const entry = await this.eventLog.append(
          'lightd_daemon',
          daemon.id,
          {
            level: 'WARN',
            kind: 'daemon.offline',
            message: `Daemon ${daemon.name} is offline: no call for ${seconds} s`,
            data: { lastSeenAt: daemon.lastSeenAt?.toISOString() ?? null, offlineAfterSeconds: seconds },
            at: now,
          },
          tx,
        );
        return [entry];
      });
      this.eventLog.publishCommitted(daemon.id, entries);
      if (entries.length > 0) {
        // Its next update comes through the long way, which records it "online again".
        this.updates.forgetDaemon(daemon.id);
        marked.push(daemon.id);
      }
    }
    return marked;
  }
}
