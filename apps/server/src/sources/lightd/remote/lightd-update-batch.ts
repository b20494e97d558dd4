import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type ContainerStatus, isStatementRefusal, type SqlRunner } from '@pharos/database';
import { RedisConnection } from '../../../platform/cluster/redis-connection';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { UnauthorizedError } from '../../../platform/errors/domain-errors';
import { FleetEventBus } from '../../../platform/events/fleet-event-bus';
import { EventLogService, type LogEntryToStore, type NewLogEntry } from '../../../fleet/event-log/event-log.service';
import { type DaemonsSeen, type LoggedEntries, UpdateBatchStore, type UpdateRow, type WantedContainer } from '../store/update-batch.store';
import { type ContainerEvent, type ContainerUpdatePlan, planContainerUpdate, type PlanRules, type UsageGauge } from './container-update-plan';
import { ContainerStatusChecker, type StatusDoubt } from './container-status-checker';
import type { ReportingDaemon } from './daemon-token-directory';

/** One `POST /update`, validated, waiting for its batch. */
export interface ReceivedUpdate {
  daemon: ReportingDaemon;
  /** What Lightd posted, or (`status_check`) what its API answered Pharos. */
  event: ContainerEvent;
  /** When Pharos received it. */
  at: Date;
}

type ContainerKey = string;
const keyOf = (daemonId: string, internalId: string): ContainerKey => `${daemonId}\u0000${internalId}`;

interface ContainerState {
  id: string;
  status: ContainerStatus | null;
  statusChangedAt: Date | null;
  isNew: boolean;
  changes: ContainerUpdatePlan['changes'];
  /** The newest billing gauge of the batch, on the daemon's clock. */
  usage?: UsageGauge;
  seenAt: Date;
}

/** A container as the last committed batch left it. */
interface KnownContainer {
  id: string;
  status: ContainerStatus | null;
  statusChangedAt: Date | null;
}

/**
 * What one batch writes: the history rows and the event-log entries, in arrival order, and the
 * updates that were not applied as they came (Lightd's API is asked about them once committed).
 */
interface ComposedBatch {
  rows: UpdateRow[];
  entries: LogEntryToStore[];
  doubts: StatusDoubt[];
}

/**
 * Writes a batch of Lightd updates, whatever its size, and returns one outcome per update.
 * Within a batch, updates apply in the order they arrived, each seeing the state the previous
 * left, exactly as they would one by one; batches are written one at a time.
 *
 * Pharos is the only writer of containers' state (one Pharos per database, as elsewhere), so
 * the writer remembers each container's id and status, and which daemons are online, as its
 * last committed batch left them (and forgets a daemon that is deleted or goes offline). A
 * batch of known containers of online daemons, the steady state of a fleet, is then one
 * statement (autocommit): daemons marked seen, containers' new state, raw history and
 * event-log entries. A batch naming anything else, and any batch whose one statement failed
 * (it stored nothing: e.g. a daemon deleted meanwhile), is written as a transaction of two
 * statements that first creates or locks its containers and reads what they were. The
 * statements are `UpdateBatchStore`'s. Log entries are published once committed.
 *
 * A batch that transaction cannot store either, for what an update carried (a value
 * PostgreSQL refuses), throws: the group commit (`LightdRemoteService`) then calls `write`
 * again with each half, one after the other. Nothing of a failed write was committed or
 * remembered, so each half starts from the state the last committed one left.
 */
@Injectable()
export class LightdUpdateBatchWriter implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LightdUpdateBatchWriter.name);
  private readonly onlineDaemons = new Set<string>();
  private readonly knownContainers = new Map<ContainerKey, KnownContainer>();
  private readonly unsubscribe: (() => void)[] = [];

  private readonly rules: PlanRules;

  constructor(
    private readonly store: UpdateBatchStore,
    private readonly eventLog: EventLogService,
    private readonly bus: FleetEventBus,
    private readonly checker: ContainerStatusChecker,
    config: PharosConfig,
    private readonly redis: RedisConnection,
  ) {
    this.rules = { settleMs: config.lightd.statusSettleSeconds * 1000 };
  }

  onModuleInit(): void {
    const forget = (_: unknown, daemonId: string) => this.forgetDaemon(daemonId);
    this.unsubscribe.push(this.bus.subscribeAll('daemon.deleted', forget), this.bus.subscribeAll('daemon.offline', forget));
    // Cluster: another instance stored updates of a daemon (the proxy may send its requests to
    // any): what this one remembers of its containers may be old; the next batch locks and reads.
    if (this.redis.clustered) {
      this.unsubscribe.push(this.bus.subscribeAll('daemon.written', ({ instance }, daemonId) => instance !== this.redis.instanceId && forget(undefined, daemonId)));
    }
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  async write(updates: ReceivedUpdate[]): Promise<(void | Error)[]> {
    const known = this.knownState(updates);
    const results = (known && (await this.writeKnown(updates, known))) || (await this.writeLocking(updates));
    if (this.redis.clustered) {
      const instance = this.redis.instanceId;
      for (const daemonId of new Set(updates.map((u) => u.daemon.id))) this.bus.publish('daemon.written', daemonId, { instance });
    }
    return results;
  }

  /**
   * Forgets what is remembered of a daemon and its containers: it was removed, or it went
   * offline (its next update comes through the long way, which records it "online again").
   */
  private forgetDaemon(daemonId: string): void {
    this.onlineDaemons.delete(daemonId);
    const prefix = keyOf(daemonId, '');
    for (const key of this.knownContainers.keys()) if (key.startsWith(prefix)) this.knownContainers.delete(key);
  }

  /** The batch's containers as remembered, when every daemon is online and every container known. */
  private knownState(updates: ReceivedUpdate[]): Map<ContainerKey, ContainerState> | null {
    const containers = new Map<ContainerKey, ContainerState>();
    for (const { daemon, event, at } of updates) {
      if (!this.onlineDaemons.has(daemon.id)) return null;
      const internalId = event.body.server;
      if (internalId === undefined) continue;
      const key = keyOf(daemon.id, internalId);
      if (containers.has(key)) continue;
      const known = this.knownContainers.get(key);
      if (!known) return null;
      containers.set(key, { id: known.id, status: known.status, statusChangedAt: known.statusChangedAt, isNew: false, changes: {}, seenAt: at });
    }
    return containers;
  }

  /**
   * One statement for a batch of known containers of online daemons; null when PostgreSQL
   * refused it (it stored nothing: a history row names a daemon deleted meanwhile, say).
   */
  private async writeKnown(updates: ReceivedUpdate[], containers: Map<ContainerKey, ContainerState>): Promise<(void | Error)[] | null> {
    const previous = new Map(updates.map((u) => [u.daemon.id, 'online']));
    const { doubts, ...batch } = this.compose(updates, updates.map((_, i) => i), previous, containers);
    let written: Awaited<ReturnType<UpdateBatchStore['touchAndStore']>>;
    try {
      written = await this.store.touchAndStore(this.latestPerDaemon(updates), { containers: [...containers.values()], ...batch });
    } catch (error) {
      // What was remembered may be wrong now, either way: batches read it afresh until relearnt.
      this.onlineDaemons.clear();
      this.knownContainers.clear();
      // Refused, it stored nothing and goes the long way; a lost connection may have committed
      // it, so it is not written again (its senders get 503, as for any failed batch).
      if (!isStatementRefusal(error)) throw error;
      this.logger.debug({ err: error }, 'a batch of known Lightd containers was refused; writing it with locks');
      return null;
    }
    const { logged, daemons: touched } = written;
    // A daemon the offline sweep marked offline after it was remembered online: it came back
    // with this batch (its row now says so); its "online again" entry follows the batch's.
    const cameBack = touched.filter((d) => d.previous !== 'online');
    if (cameBack.length > 0) logged.push(...(await this.announceReturns(updates, cameBack)));
    this.remember(containers, updates);
    for (const { subjectId, entry } of logged) this.eventLog.publishCommitted(subjectId, [entry]);
    this.publishConditions(updates, updates.map((_, i) => i), containers);
    this.checker.ask(doubts);
    return updates.map(() => undefined);
  }

  /**
   * A transaction of two statements: the first marks the batch's daemons seen (locking them)
   * and creates or locks its containers, returning what they were; the second stores the rest.
   */
  private async writeLocking(updates: ReceivedUpdate[]): Promise<(void | Error)[]> {
    const outcomes: (void | Error)[] = updates.map(() => undefined);
    const { stored, containers, kept, doubts } = await this.store.transaction(async (sql) => {
      const { previous, containers } = await this.touchAndLock(updates, sql);
      const kept: number[] = [];
      updates.forEach((u, i) => {
        if (previous.has(u.daemon.id)) kept.push(i);
        else outcomes[i] = new UnauthorizedError('invalid token: no daemon is registered with it');
      });
      const { doubts, ...batch } = this.compose(updates, kept, previous, containers);
      const stored = await this.store.store({ containers: [...containers.values()], ...batch }, sql);
      return { stored, containers, kept, doubts };
    });
    this.remember(containers, kept.map((i) => updates[i]!));
    for (const { subjectId, entry } of stored) this.eventLog.publishCommitted(subjectId, [entry]);
    this.publishConditions(updates, kept, containers);
    this.checker.ask(doubts);
    return outcomes;
  }

  /**
   * The history rows and event-log entries of the kept updates, in arrival order, each
   * container's state after them (in `containers`), and the doubts to put to Lightd's API.
   */
  private compose(updates: ReceivedUpdate[], kept: number[], previous: Map<string, string>, containers: Map<ContainerKey, ContainerState>): ComposedBatch {
    const entries: LogEntryToStore[] = [];
    const daemonEntry = (daemon: ReportingDaemon, entry: NewLogEntry) => entries.push({ subjectType: 'lightd_daemon', subjectId: daemon.id, entry });
    const rows: UpdateRow[] = [];
    const doubts: StatusDoubt[] = [];
    const announced = new Set<string>();
    for (const i of kept) {
      const { daemon, event, at } = updates[i]!;
      const was = previous.get(daemon.id);
      if (was !== 'online' && !announced.has(daemon.id)) {
        announced.add(daemon.id);
        daemonEntry(daemon, daemonOnlineEntry(daemon, was, at));
      }
      const internalId = event.body.server;
      let containerId: string | null = null;
      let reported: ContainerStatus | null = null;
      if (internalId !== undefined) {
        const state = containers.get(keyOf(daemon.id, internalId))!;
        containerId = state.id;
        const plan = planContainerUpdate({ internalId, previous: state, event, at, rules: this.rules });
        reported = plan.reportedStatus;
        Object.assign(state.changes, plan.changes);
        if (plan.changes.status) [state.status, state.statusChangedAt] = [plan.changes.status, at];
        if (plan.usage && !(state.usage && state.usage.at > plan.usage.at)) state.usage = plan.usage;
        if (plan.confirm) doubts.push({ daemon, containerId: state.id, internalId, askedAt: at });
        state.seenAt = at;
        if (state.isNew) {
          state.isNew = false;
          daemonEntry(daemon, { kind: 'container.discovered', message: `Container ${internalId} first reported`, data: { internalId, containerId: state.id }, at });
        }
        for (const entry of plan.entries) {
          entries.push({ subjectType: 'lightd_container', subjectId: state.id, entry });
          daemonEntry(daemon, { ...entry, data: { ...(entry.data as object), containerId: state.id } });
        }
        // A billing gauge is kept on the container (latest wins), not as a row of its own.
        if (!plan.keepRow) continue;
      }
      if (event.kind === 'other') {
        daemonEntry(daemon, {
          kind: 'lightd.event',
          message: `Daemon ${daemon.name} sent a "${event.body.event}" event (kept as it came)`,
          data: { event: event.body.event },
          at,
        });
      }
      rows.push({ daemonId: daemon.id, containerId, at, event, status: reported });
    }
    return { rows, entries, doubts };
  }

  /**
   * A container that an update moved into or out of `failed` (Lightd's error update), for
   * alerting, once committed: one condition per container, on its daemon's server.
   */
  private publishConditions(updates: ReceivedUpdate[], kept: number[], containers: Map<ContainerKey, ContainerState>): void {
    const told = new Set<string>();
    for (const i of [...kept].reverse()) {
      const { daemon, event } = updates[i]!;
      const internalId = event.body.server;
      if (internalId === undefined) continue;
      const state = containers.get(keyOf(daemon.id, internalId));
      if (!state?.changes.status || told.has(state.id)) continue;
      told.add(state.id);
      const failing = state.status === 'failed';
      const error = [state.changes.lastError, state.changes.lastErrorData].filter(Boolean).join(': ');
      const detail = failing ? `Container ${internalId} on ${daemon.name} failed${error ? `: ${error}` : ''}` : `Container ${internalId} on ${daemon.name} is ${state.status}`;
      this.bus.publish('condition', daemon.serverId, { kind: 'container_failed', subject: `container:${internalId}`, failing, detail });
    }
  }

  /** Each daemon of the batch with the time of its latest update, in key order. */
  private latestPerDaemon(updates: ReceivedUpdate[]): DaemonsSeen {
    const latest = new Map<string, Date>();
    for (const u of updates) latest.set(u.daemon.id, u.at);
    const ids = [...latest.keys()].sort();
    return { ids, ats: ids.map((id) => latest.get(id)!.toISOString()) };
  }

  /** Remembers the committed state of a batch's containers, and its daemons as online. */
  private remember(containers: Map<ContainerKey, ContainerState>, written: ReceivedUpdate[]): void {
    for (const [key, state] of containers) this.knownContainers.set(key, { id: state.id, status: state.status, statusChangedAt: state.statusChangedAt });
    for (const { daemon } of written) this.onlineDaemons.add(daemon.id);
  }

  /** The "online again" entries of daemons that came back with a batch written in one statement. */
  private async announceReturns(updates: ReceivedUpdate[], cameBack: { id: string; previous: string }[]): Promise<LoggedEntries> {
    const logged = cameBack.map(({ id, previous }) => {
      const first = updates.find((u) => u.daemon.id === id)!;
      return { subjectType: 'lightd_daemon' as const, subjectId: id, entry: daemonOnlineEntry(first.daemon, previous, first.at) };
    });
    try {
      const stored = await this.eventLog.appendMany(logged);
      return stored.map((entry, i) => ({ subjectId: logged[i]!.subjectId, entry }));
    } catch (error) {
      // The updates are committed: their answer stays 200; only these entries are missing.
      this.logger.error({ err: error, daemons: cameBack.map((r) => r.id) }, 'could not record Lightd daemons coming back online');
      return [];
    }
  }

  /**
   * Marks the batch's daemons seen and creates or locks its containers, each in key order (see
   * `UpdateBatchStore.touchAndLock`). Returns each daemon's status before, and each container's
   * state; a daemon missing from the answer was deleted after its token was cached (e.g. on
   * another Pharos instance): every cache of it forgets it (`daemon.deleted`).
   */
  private async touchAndLock(updates: ReceivedUpdate[], sql: SqlRunner): Promise<{ previous: Map<string, string>; containers: Map<ContainerKey, ContainerState> }> {
    const daemons = this.latestPerDaemon(updates);
    const wanted = new Map<ContainerKey, WantedContainer>();
    for (const { daemon, event, at } of updates) {
      const internalId = event.body.server;
      if (internalId !== undefined && !wanted.has(keyOf(daemon.id, internalId))) wanted.set(keyOf(daemon.id, internalId), { daemonId: daemon.id, internalId, at });
    }
    const list = [...wanted.values()].sort((a, b) => (a.daemonId < b.daemonId ? -1 : a.daemonId > b.daemonId ? 1 : a.internalId < b.internalId ? -1 : a.internalId > b.internalId ? 1 : 0));
    const locked = await this.store.touchAndLock(daemons, list, sql);
    const containers = new Map<ContainerKey, ContainerState>();
    for (const row of locked.containers) {
      const { daemonId, internalId, at } = list[row.wanted]!;
      containers.set(keyOf(daemonId, internalId), { id: row.id, status: row.status, statusChangedAt: row.statusChangedAt, isNew: row.inserted, changes: {}, seenAt: at });
    }
    for (const id of daemons.ids) if (!locked.previous.has(id)) this.bus.publish('daemon.deleted', id, {});
    return { previous: locked.previous, containers };
  }
}

/** The event-log entry of a daemon coming online (`was`: its status before). */
export function daemonOnlineEntry(daemon: ReportingDaemon, was: string | undefined, at: Date): NewLogEntry {
  const again = was === 'offline' ? ' again' : '';
  return { kind: 'daemon.online', message: `Daemon ${daemon.name} is online${again}`, data: { previousStatus: was ?? null }, at };
}
