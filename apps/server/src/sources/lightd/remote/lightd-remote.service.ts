import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  decodeLightdRemoteEvent,
  describeWireError,
  lightdConfigReport,
  type LightdRemoteConfig,
  type LogEntryData,
} from '@pharos/protocol';
import { isDatabaseUnavailable, isDataRefusal } from '@pharos/database';
import { type DbTransaction, Transactions } from '../../../platform/database/transactions';
import { DomainError, InvalidInputError, ServiceUnavailableError } from '../../../platform/errors/domain-errors';
import { EventLogService } from '../../../fleet/event-log/event-log.service';
import type { CallFields } from '../store/daemon.store';
import { redactSecrets } from './config-redaction';
import { DaemonLiveness } from './daemon-liveness.service';
import type { ReportingDaemon } from './daemon-token-directory';
import { ContainerStatusChecker } from './container-status-checker';
import { LightdUpdateBatchWriter, type ReceivedUpdate } from './lightd-update-batch';
import { DatabaseOutage } from '../../../platform/database/database-outage';
import { GroupCommitter } from '../../../platform/database/group-commit';
import { PrometheusMetrics } from '../../../platform/prometheus/prometheus-metrics';

/** Log entries stored in a transaction, to publish once it has committed. */
type Stored = { subjectId: string; entries: LogEntryData[] }[];

/**
 * Receives what Lightd daemons report. Lightd sends each update once and forgets it (no retry
 * queue), so an update is answered 2xx only after everything it changes is committed, and 5xx
 * when that could not be done.
 */
@Injectable()
export class LightdRemoteService implements OnModuleDestroy {
  private readonly logger = new Logger(LightdRemoteService.name);
  private readonly updates: GroupCommitter<ReceivedUpdate, void>;

  constructor(
    private readonly transactions: Transactions,
    private readonly eventLog: EventLogService,
    private readonly liveness: DaemonLiveness,
    batchWriter: LightdUpdateBatchWriter,
    checker: ContainerStatusChecker,
    private readonly outage: DatabaseOutage,
    prometheus: PrometheusMetrics,
  ) {
    this.updates = new GroupCommitter({
      // One batch at a time, so each starts from the state the previous committed (what the
      // writer remembers); the next collects what arrives meanwhile.
      write: (items) => batchWriter.write(items),
      // An update the database refused for what it carried fails alone (400); the rest of its
      // batch is written in halves, in arrival order. Lightd never sends an update again.
      splitWhen: isDataRefusal,
      onWritten: ({ size, ms, failed }) => this.logger.debug({ updates: size, ms: Math.round(ms * 10) / 10, failed }, 'batch of Lightd updates written'),
      failure: (error, items) => {
        if (error instanceof DomainError) return error;
        if (isDataRefusal(error)) return new InvalidInputError('the update holds a value the database cannot store');
        // An outage is logged once per interval (`DatabaseOutage`), not once per batch.
        if (isDatabaseUnavailable(error)) this.outage.refused(error, items.length);
        else this.logger.error({ err: error, updates: items.length }, 'could not store a batch of Lightd updates');
        return new ServiceUnavailableError('the update could not be stored');
      },
    });
    prometheus.watchGroupCommit('lightd_updates', this.updates);
    // What Lightd's API answers about a doubtful status joins the same queue as updates.
    checker.answerTo((answer) => this.updates.submit(answer));
  }

  /** Waits for the updates already received to be written (before shutting down). */
  async onModuleDestroy(): Promise<void> {
    await this.updates.drain();
  }

  async recordHealthCheck(daemon: ReportingDaemon): Promise<void> {
    const at = new Date();
    await this.commit('health check', async (tx) => [{ subjectId: daemon.id, entries: await this.liveness.noteCall(daemon, at, { lastHealthAt: at }, tx) }]);
  }

  /**
   * Stores one `POST /update` body: the raw history row, the container's new state, and the
   * events it causes (in the container's log and its daemon's). Concurrent updates are group
   * committed (`LightdUpdateBatchWriter`): this resolves once the transaction holding this
   * update has committed, and fails (503) when it did not. A body holding text PostgreSQL
   * cannot store never gets here (`refuseUnstorableText`, in the validation pipe); one the
   * database refuses all the same fails alone (400), not its batch.
   */
  async receiveUpdate(daemon: ReportingDaemon, body: unknown): Promise<void> {
    const decoded = decodeLightdRemoteEvent(body);
    if (!decoded.ok) throw new InvalidInputError(describeWireError(decoded.error), decoded.error.path);
    await this.updates.submit({ daemon, event: decoded.value, at: new Date() });
  }

  /** `POST /config`: keeps the daemon's current configuration, credentials redacted. */
  async receiveConfig(daemon: ReportingDaemon, body: unknown): Promise<void> {
    const decoded = lightdConfigReport.validate(body);
    if (!decoded.ok) throw new InvalidInputError('(root): must be a JSON object (the daemon\'s configuration)', '(root)');
    const at = new Date();
    const remoteConfig = redactSecrets(decoded.value) as CallFields['remoteConfig'];
    await this.commit('configuration', async (tx) => {
      const entries = await this.liveness.noteCall(daemon, at, { remoteConfig, remoteConfigAt: at }, tx);
      entries.push(await this.eventLog.append('lightd_daemon', daemon.id, { kind: 'daemon.config', message: `Daemon ${daemon.name} reported its configuration`, at }, tx));
      return [{ subjectId: daemon.id, entries }];
    });
  }

  /** `GET /config`: Pharos pushes no configuration to daemons (yet), so nothing to change. */
  async configFor(daemon: ReportingDaemon): Promise<LightdRemoteConfig> {
    const at = new Date();
    await this.commit('configuration request', async (tx) => [{ subjectId: daemon.id, entries: await this.liveness.noteCall(daemon, at, {}, tx) }]);
    return {};
  }

  /** Runs one transaction; publishes its log entries after commit; a store failure is a 503. */
  private async commit(what: string, work: (tx: DbTransaction) => Promise<Stored>): Promise<void> {
    let stored: Stored;
    try {
      stored = await this.transactions.run(work);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (isDatabaseUnavailable(error)) this.outage.refused(error);
      else this.logger.error({ err: error }, `could not store a Lightd ${what}`);
      throw new ServiceUnavailableError(`the ${what} could not be stored`);
    }
    for (const { subjectId, entries } of stored) this.eventLog.publishCommitted(subjectId, entries);
  }
}
