import { Injectable, Logger } from '@nestjs/common';
import { type ContainerStatus, type Prisma, PrismaService } from '@pharos/database';
import {
  decodeLightdRemoteEvent,
  describeWireError,
  lightdConfigReport,
  type LightdRemoteConfig,
  type LightdRemoteEvent,
  type LogEntryData,
} from '@pharos/protocol';
import { DomainError, InvalidInputError, ServiceUnavailableError } from '../../errors/domain-errors';
import { EventLogService } from '../../events/event-log.service';
import { redactSecrets } from './config-redaction';
import { planContainerUpdate } from './container-update-plan';
import { DaemonLiveness } from './daemon-liveness.service';
import type { ReportingDaemon } from './daemon-token-directory';

/** Log entries stored in a transaction, to publish once it has committed. */
type Stored = { subjectId: string; entries: LogEntryData[] }[];

/**
 * Receives what Lightd daemons report. Lightd sends each update once and forgets it (no retry
 * queue), so an update is answered 2xx only after everything it changes is committed, and 5xx
 * when that could not be done.
 */
@Injectable()
export class LightdRemoteService {
  private readonly logger = new Logger(LightdRemoteService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly eventLog: EventLogService,
    private readonly liveness: DaemonLiveness,
  ) {}

  async recordHealthCheck(daemon: ReportingDaemon): Promise<void> {
    const at = new Date();
    await this.commit('health check', async (tx) => [{ subjectId: daemon.id, entries: await this.liveness.noteCall(tx, daemon, at, { lastHealthAt: at }) }]);
  }

  /**
   * Stores one `POST /update` body: the raw history row, the container's new state, and the
   * events it causes (in the container's log and its daemon's), in one transaction.
   */
  async receiveUpdate(daemon: ReportingDaemon, body: unknown): Promise<void> {
    const decoded = decodeLightdRemoteEvent(body);
    if (!decoded.ok) throw new InvalidInputError(describeWireError(decoded.error), decoded.error.path);
    const event = decoded.value;
    const at = new Date();
    await this.commit('update', async (tx) => {
      const daemonEntries = await this.liveness.noteCall(tx, daemon, at, { lastUpdateAt: at });
      const stored: Stored = [{ subjectId: daemon.id, entries: daemonEntries }];
      const internalId = event.body.server;
      let container: { id: string; reportedStatus: ContainerStatus | null } | null = null;
      if (internalId !== undefined) {
        const locked = await this.lockContainer(tx, daemon, internalId, at);
        const plan = planContainerUpdate({ internalId, previousStatus: locked.status, event, at });
        container = { id: locked.id, reportedStatus: plan.reportedStatus };
        if (Object.keys(plan.changes).length > 0) await tx.lightdContainer.update({ where: { id: locked.id }, data: plan.changes });
        if (locked.isNew) {
          const discovered = { kind: 'container.discovered', message: `Container ${internalId} first reported`, data: { internalId, containerId: locked.id }, at };
          daemonEntries.push(await this.eventLog.record('lightd_daemon', daemon.id, discovered, tx));
        }
        const containerEntries: LogEntryData[] = [];
        for (const entry of plan.entries) {
          containerEntries.push(await this.eventLog.record('lightd_container', locked.id, entry, tx));
          const mirrored = { ...entry, data: { ...(entry.data as object), containerId: locked.id } };
          daemonEntries.push(await this.eventLog.record('lightd_daemon', daemon.id, mirrored, tx));
        }
        stored.push({ subjectId: locked.id, entries: containerEntries });
      }
      if (event.kind === 'other') daemonEntries.push(await this.recordUnknownKind(tx, daemon, event, at));
      await tx.lightdUpdate.create({
        data: {
          daemonId: daemon.id,
          containerId: container?.id,
          receivedAt: at,
          event: event.body.event,
          status: container?.reportedStatus,
          ...(event.kind === 'update' ? { error: event.body.error, data: event.body.data } : {}),
          body: event.body as Prisma.InputJsonObject,
        },
      });
      return stored;
    });
  }

  /** `POST /config`: keeps the daemon's current configuration, credentials redacted. */
  async receiveConfig(daemon: ReportingDaemon, body: unknown): Promise<void> {
    const decoded = lightdConfigReport.validate(body);
    if (!decoded.ok) throw new InvalidInputError('(root): must be a JSON object (the daemon\'s configuration)', '(root)');
    const at = new Date();
    const remoteConfig = redactSecrets(decoded.value) as Prisma.InputJsonObject;
    await this.commit('configuration', async (tx) => {
      const entries = await this.liveness.noteCall(tx, daemon, at, { remoteConfig, remoteConfigAt: at });
      entries.push(await this.eventLog.record('lightd_daemon', daemon.id, { kind: 'daemon.config', message: `Daemon ${daemon.name} reported its configuration`, at }, tx));
      return [{ subjectId: daemon.id, entries }];
    });
  }

  /** `GET /config`: Pharos pushes no configuration to daemons (yet), so nothing to change. */
  async configFor(daemon: ReportingDaemon): Promise<LightdRemoteConfig> {
    const at = new Date();
    await this.commit('configuration request', async (tx) => [{ subjectId: daemon.id, entries: await this.liveness.noteCall(tx, daemon, at) }]);
    return {};
  }

  /**
   * Makes sure the container row exists and locks it for this transaction, so concurrent
   * updates of one container (Lightd sends each in its own task) apply one after the other.
   */
  private async lockContainer(tx: Prisma.TransactionClient, daemon: ReportingDaemon, internalId: string, at: Date) {
    const created = await tx.lightdContainer.createMany({ data: [{ daemonId: daemon.id, internalId, firstSeenAt: at, lastSeenAt: at }], skipDuplicates: true });
    // An UPDATE takes the row lock and returns the state as of the previous commit.
    const row = await tx.lightdContainer.update({
      where: { daemonId_internalId: { daemonId: daemon.id, internalId } },
      data: { lastSeenAt: at },
      select: { id: true, status: true },
    });
    return { ...row, isNew: created.count === 1 };
  }

  private recordUnknownKind(tx: Prisma.TransactionClient, daemon: ReportingDaemon, event: LightdRemoteEvent, at: Date): Promise<LogEntryData> {
    return this.eventLog.record(
      'lightd_daemon',
      daemon.id,
      { kind: 'lightd.event', message: `Daemon ${daemon.name} sent a "${event.body.event}" event (kept as it came)`, data: { event: event.body.event }, at },
      tx,
    );
  }

  /** Runs one transaction; publishes its log entries after commit; a store failure is a 503. */
  private async commit(what: string, work: (tx: Prisma.TransactionClient) => Promise<Stored>): Promise<void> {
    let stored: Stored;
    try {
      stored = await this.prisma.$transaction(work);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      this.logger.error({ err: error }, `could not store a Lightd ${what}`);
      throw new ServiceUnavailableError(`the ${what} could not be stored`);
    }
    for (const { subjectId, entries } of stored) this.eventLog.publishCommitted(subjectId, entries);
  }
}
