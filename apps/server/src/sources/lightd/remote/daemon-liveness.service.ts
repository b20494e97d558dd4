import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { LogEntryData } from '@pharos/protocol';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { type DbTransaction, Transactions } from '../../../platform/database/transactions';
import { UnauthorizedError } from '../../../platform/errors/domain-errors';
import { FleetEventBus } from '../../../platform/events/fleet-event-bus';
import { JobLeases } from '../../../platform/cluster/job-leases';
import type { PeriodicTask } from '../../../platform/runtime/periodic-task';
import { EventLogService, type NewLogEntry } from '../../../fleet/event-log/event-log.service';
import { type CallFields, DaemonStore, type SilentDaemon } from '../store/daemon.store';
import type { ReportingDaemon } from './daemon-token-directory';
import { daemonOnlineEntry } from './lightd-update-batch';

/**
 * Whether each daemon is online: it is online from any authenticated call (Lightd checks
 * `/health` every 30 s) and offline after a configurable silence. Both changes are events in
 * the daemon's log; a daemon marked offline is also published (`daemon.offline`), so that what
 * is remembered of it as online is forgotten.
 */
@Injectable()
export class DaemonLiveness implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DaemonLiveness.name);
  private sweep?: PeriodicTask;

  constructor(
    private readonly store: DaemonStore,
    private readonly transactions: Transactions,
    private readonly eventLog: EventLogService,
    private readonly bus: FleetEventBus,
    private readonly config: PharosConfig,
    private readonly jobs: JobLeases,
  ) {}

  onModuleInit(): void {
    this.sweep = this.jobs.every('lightd-offline-sweep', this.config.lightd.offlineSweepSeconds * 1000, () => this.markSilentDaemonsOffline(), (error) => this.logger.error({ err: error }, 'offline sweep failed'));
  }

  async onModuleDestroy(): Promise<void> {
    await this.sweep?.stop();
  }

  /**
   * Records a call inside the caller's transaction: "last seen" plus `fields`, and the daemon
   * coming online when it was not. Returns the log entries to publish once it commits.
   */
  async noteCall(daemon: ReportingDaemon, at: Date, fields: CallFields, tx: DbTransaction): Promise<LogEntryData[]> {
    const previous = await this.store.noteCall(daemon.id, at, fields, tx);
    if (previous === null) {
      // Deleted after its token was cached (e.g. on another Pharos instance).
      this.bus.publish('daemon.deleted', daemon.id, {});
      throw new UnauthorizedError('invalid token: no daemon is registered with it');
    }
    if (previous === 'online') return [];
    if (!(await this.store.markOnline(daemon.id, at, tx))) return [];
    return [await this.eventLog.append('lightd_daemon', daemon.id, daemonOnlineEntry(daemon, previous, at), tx)];
  }

  /** Marks offline every online daemon silent for longer than the configured time. */
  async markSilentDaemonsOffline(now = new Date()): Promise<string[]> {
    const cutoff = new Date(now.getTime() - this.config.lightd.offlineAfterSeconds * 1000);
    const marked: string[] = [];
    for (const daemon of await this.store.silentOnline(cutoff)) {
      const entries = await this.transactions.run(async (tx) => {
        if (!(await this.store.markOfflineIfSilent(daemon.id, cutoff, now, tx))) return [];
        return [await this.eventLog.append('lightd_daemon', daemon.id, this.offlineEntry(daemon, now), tx)];
      });
      this.eventLog.publishCommitted(daemon.id, entries);
      if (entries.length > 0) {
        this.bus.publish('daemon.offline', daemon.id, {});
        marked.push(daemon.id);
      }
    }
    return marked;
  }

  private offlineEntry(daemon: SilentDaemon, at: Date): NewLogEntry {
    const seconds = this.config.lightd.offlineAfterSeconds;
    return {
      level: 'WARN',
      kind: 'daemon.offline',
      message: `Daemon ${daemon.name} is offline: no call for ${seconds} s`,
      data: { lastSeenAt: daemon.lastSeenAt?.toISOString() ?? null, offlineAfterSeconds: seconds },
      at,
    };
  }
}
