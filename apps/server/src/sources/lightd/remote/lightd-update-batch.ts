import { Injectable, Logger } from '@nestjs/common';
import { type ContainerStatus, isStatementRefusal, PrismaService, type SqlRunner } from '@pharos/database';
import type { LightdRemoteEvent, LogEntryData } from '@pharos/protocol';
import { type JsonRowColumn, jsonRowsSql } from '../../../platform/database/json-rows';
import { UnauthorizedError } from '../../../platform/errors/domain-errors';
import { EventLogService, type LogEntryToStore, type NewLogEntry } from '../../../fleet/event-log/event-log.service';
import { entriesInsert } from '../../../fleet/event-log/event-log.store';
import { type ContainerUpdatePlan, planContainerUpdate } from './container-update-plan';
import { DaemonTokenDirectory, type ReportingDaemon } from './daemon-token-directory';

/** One `POST /update`, validated, waiting for its batch. */
export interface ReceivedUpdate {
  daemon: ReportingDaemon;
  event: LightdRemoteEvent;
  /** When Pharos received it. */
  at: Date;
}

/** One raw history row: an update as it came. */
interface UpdateRow {
  daemonId: string;
  containerId: string | null;
  at: Date;
  event: LightdRemoteEvent;
  status: ContainerStatus | null;
}

type ContainerKey = string;
const keyOf = (daemonId: string, internalId: string): ContainerKey => `${daemonId}\u0000${internalId}`;

interface ContainerState {
  id: string;
  status: ContainerStatus | null;
  isNew: boolean;
  changes: ContainerUpdatePlan['changes'];
  seenAt: Date;
}

/** A container as the last committed batch left it. */
interface KnownContainer {
  id: string;
  status: ContainerStatus | null;
}

/** What one batch writes: the raw history rows and the event-log entries, in arrival order. */
interface ComposedBatch {
  rows: UpdateRow[];
  entries: LogEntryToStore[];
}

/** A container's state after a batch, as `store` passes it. */
const CONTAINER_STATE_COLUMNS: JsonRowColumn[] = [
  ['id', 'uuid'],
  ['seen', 'timestamptz'],
  ['set_status', 'boolean'],
  ['status', 'text'],
  ['status_at', 'timestamptz'],
  ['set_error', 'boolean'],
  ['error', 'text'],
  ['error_data', 'text'],
  ['error_at', 'timestamptz'],
];

/** A raw history row (an update as it came), as `store` passes it. */
const UPDATE_ROW_COLUMNS: JsonRowColumn[] = [
  ['d', 'uuid'],
  ['c', 'uuid'],
  ['a', 'timestamptz'],
  ['e', 'text'],
  ['s', 'text'],
  ['er', 'text'],
  ['da', 'text'],
  ['b', 'json'],
];

/** Marks the batch's daemons seen and online, returning each one's status before (locked, in key order). */
const touchDaemonsSql = (ids: string, ats: string) => `
  v AS (SELECT * FROM unnest(${ids}::uuid[], ${ats}::timestamptz[]) AS v(id, at)),
  old AS (SELECT d."id", d."status"::text AS status FROM "LightdDaemon" d JOIN v ON d."id" = v.id ORDER BY d."id" FOR UPDATE OF d),
  touched AS (
    UPDATE "LightdDaemon" d
       SET "lastSeenAt" = v.at, "lastUpdateAt" = v.at, "updatedAt" = v.at, "status" = 'online',
           "statusChangedAt" = CASE WHEN old.status = 'online' THEN d."statusChangedAt" ELSE v.at END
      FROM v JOIN old ON old."id" = v.id
     WHERE d."id" = v.id
    RETURNING d."id", old.status AS previous)`;

/**
 * Writes a batch of Lightd updates, whatever its size, and returns one outcome per update.
 * Within a batch, updates apply in the order they arrived, each seeing the state the previous
 * left, exactly as they would one by one; batches are written one at a time.
 *
 * Pharos is the only writer of containers' state (one Pharos per database, as elsewhere), so
 * the writer remembers each container's id and status, and which daemons are online, as its
 * last committed batch left them. A batch of known containers of online daemons, the steady
 * state of a fleet, is then one statement (autocommit): daemons marked seen, containers' new
 * state, raw history and event-log entries. A batch naming anything else, and any batch whose
 * one statement failed (it stored nothing: e.g. a daemon deleted meanwhile), is written as a
 * transaction of two statements that first creates or locks its containers and reads what
 * they were. Both run on the driver itself (`queryDirect`, `directTransaction`): through
 * Prisma, its overhead per statement was a third of what a batch cost. Log entries are
 * published once committed.
 */
@Injectable()
export class LightdUpdateBatchWriter {
  private readonly logger = new Logger(LightdUpdateBatchWriter.name);
  private readonly onlineDaemons = new Set<string>();
  private readonly knownContainers = new Map<ContainerKey, KnownContainer>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly eventLog: EventLogService,
    private readonly directory: DaemonTokenDirectory,
  ) {}

  /** Statements on the driver outside a transaction (each commits on its own). */
  private readonly direct: SqlRunner = { query: (sql, params) => this.prisma.queryDirect(sql, params) };

  async write(updates: ReceivedUpdate[]): Promise<(void | Error)[]> {
    const known = this.knownState(updates);
    return (known && (await this.writeKnown(updates, known))) || this.writeLocking(updates);
  }

  /** Forgets what is remembered of a daemon and its containers (it went offline, or was removed). */
  forgetDaemon(daemonId: string): void {
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
      containers.set(key, { id: known.id, status: known.status, isNew: false, changes: {}, seenAt: at });
    }
    return containers;
  }

  /**
   * One statement for a batch of known containers of online daemons; null when PostgreSQL
   * refused it (it stored nothing: a history row names a daemon deleted meanwhile, say).
   */
  private async writeKnown(updates: ReceivedUpdate[], containers: Map<ContainerKey, ContainerState>): Promise<(void | Error)[] | null> {
    const previous = new Map(updates.map((u) => [u.daemon.id, 'online']));
    const batch = this.compose(updates, updates.map((_, i) => i), previous, containers);
    let written: Awaited<ReturnType<LightdUpdateBatchWriter['store']>>;
    try {
      written = await this.store(this.direct, [...containers.values()], batch, this.latestPerDaemon(updates));
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
    return updates.map(() => undefined);
  }

  /**
   * A transaction of two statements: the first marks the batch's daemons seen (locking them)
   * and creates or locks its containers, returning what they were; the second stores the rest.
   */
  private async writeLocking(updates: ReceivedUpdate[]): Promise<(void | Error)[]> {
    const outcomes: (void | Error)[] = updates.map(() => undefined);
    const { stored, containers, kept } = await this.prisma.directTransaction(async (sql) => {
      const { previous, containers } = await this.touchAndLock(sql, updates);
      const kept: number[] = [];
      updates.forEach((u, i) => {
        if (previous.has(u.daemon.id)) kept.push(i);
        else outcomes[i] = new UnauthorizedError('invalid token: no daemon is registered with it');
      });
      const batch = this.compose(updates, kept, previous, containers);
      const { logged } = await this.store(sql, [...containers.values()], batch);
      return { stored: logged, containers, kept };
    });
    this.remember(containers, kept.map((i) => updates[i]!));
    for (const { subjectId, entry } of stored) this.eventLog.publishCommitted(subjectId, [entry]);
    return outcomes;
  }

  /**
   * The raw history rows and event-log entries of the kept updates, in arrival order, and each
   * container's state after them (in `containers`).
   */
  private compose(updates: ReceivedUpdate[], kept: number[], previous: Map<string, string>, containers: Map<ContainerKey, ContainerState>): ComposedBatch {
    const entries: LogEntryToStore[] = [];
    const daemonEntry = (daemon: ReportingDaemon, entry: NewLogEntry) => entries.push({ subjectType: 'lightd_daemon', subjectId: daemon.id, entry });
    const rows: UpdateRow[] = [];
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
        const plan = planContainerUpdate({ internalId, previousStatus: state.status, event, at });
        reported = plan.reportedStatus;
        Object.assign(state.changes, plan.changes);
        if (plan.changes.status) state.status = plan.changes.status;
        state.seenAt = at;
        if (state.isNew) {
          state.isNew = false;
          daemonEntry(daemon, { kind: 'container.discovered', message: `Container ${internalId} first reported`, data: { internalId, containerId: state.id }, at });
        }
        for (const entry of plan.entries) {
          entries.push({ subjectType: 'lightd_container', subjectId: state.id, entry });
          daemonEntry(daemon, { ...entry, data: { ...(entry.data as object), containerId: state.id } });
        }
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
    return { rows, entries };
  }

  /** Each daemon of the batch with the time of its latest update, in key order. */
  private latestPerDaemon(updates: ReceivedUpdate[]): { ids: string[]; ats: string[] } {
    const latest = new Map<string, Date>();
    for (const u of updates) latest.set(u.daemon.id, u.at);
    const ids = [...latest.keys()].sort();
    return { ids, ats: ids.map((id) => latest.get(id)!.toISOString()) };
  }

  /** Remembers the committed state of a batch's containers, and its daemons as online. */
  private remember(containers: Map<ContainerKey, ContainerState>, written: ReceivedUpdate[]): void {
    for (const [key, state] of containers) this.knownContainers.set(key, { id: state.id, status: state.status });
    for (const { daemon } of written) this.onlineDaemons.add(daemon.id);
  }

  /** The "online again" entries of daemons that came back with a batch written in one statement. */
  private async announceReturns(updates: ReceivedUpdate[], cameBack: { id: string; previous: string }[]): Promise<{ subjectId: string; entry: LogEntryData }[]> {
    const logged = cameBack.map(({ id, previous }) => {
      const first = updates.find((u) => u.daemon.id === id)!;
      return { subjectType: 'lightd_daemon' as const, subjectId: id, entry: daemonOnlineEntry(first.daemon, previous, first.at) };
    });
    try {
      const stored = await this.eventLog.appendMany(logged, this.prisma);
      return stored.map((entry, i) => ({ subjectId: logged[i]!.subjectId, entry }));
    } catch (error) {
      // The updates are committed: their answer stays 200; only these entries are missing.
      this.logger.error({ err: error, daemons: cameBack.map((r) => r.id) }, 'could not record Lightd daemons coming back online');
      return [];
    }
  }

  /**
   * One statement: last seen/update times and "online" for each daemon of the batch (locked, in
   * key order), then each container the batch names, of the daemons that still exist: created
   * if new, else locked (an upsert waits for a concurrent insert, where a plain select would
   * miss it), in key order. Returns each daemon's status before, and each container's.
   */
  private async touchAndLock(sql: SqlRunner, updates: ReceivedUpdate[]): Promise<{ previous: Map<string, string>; containers: Map<ContainerKey, ContainerState> }> {
    const daemons = this.latestPerDaemon(updates);
    const wanted = new Map<ContainerKey, { daemonId: string; internalId: string; at: Date }>();
    for (const { daemon, event, at } of updates) {
      const internalId = event.body.server;
      if (internalId !== undefined && !wanted.has(keyOf(daemon.id, internalId))) wanted.set(keyOf(daemon.id, internalId), { daemonId: daemon.id, internalId, at });
    }
    const list = [...wanted.values()].sort((a, b) => (a.daemonId < b.daemonId ? -1 : a.daemonId > b.daemonId ? 1 : a.internalId < b.internalId ? -1 : a.internalId > b.internalId ? 1 : 0));
    const rows = await sql.query<{ kind: 'daemon' | 'container'; id: string; status: string | null; daemon: string | null; internal: string | null; inserted: boolean }>(
      `WITH ${touchDaemonsSql('$1', '$2')},
            wanted AS (SELECT * FROM unnest($3::uuid[], $4::text[], $5::timestamptz[]) WITH ORDINALITY AS w(daemon, internal, at, n)),
            containers AS (
              INSERT INTO "LightdContainer" AS c ("id", "daemonId", "internalId", "firstSeenAt", "lastSeenAt")
              SELECT gen_random_uuid(), w.daemon, w.internal, w.at, w.at FROM wanted w JOIN touched t ON t."id" = w.daemon ORDER BY w.n
              ON CONFLICT ("daemonId", "internalId") DO UPDATE SET "lastSeenAt" = EXCLUDED."lastSeenAt"
              RETURNING c."id", c."daemonId", c."internalId", c."status"::text AS status, (c.xmax = 0) AS inserted)
       SELECT 'daemon' AS kind, t."id"::text AS id, t.previous AS status, NULL::text AS daemon, NULL::text AS internal, false AS inserted FROM touched t
       UNION ALL
       SELECT 'container', c."id"::text, c.status, c."daemonId"::text, c."internalId", c.inserted FROM containers c`,
      [daemons.ids, daemons.ats, list.map((c) => c.daemonId), list.map((c) => c.internalId), list.map((c) => c.at.toISOString())],
    );
    const previous = new Map<string, string>();
    const containers = new Map<ContainerKey, ContainerState>();
    for (const row of rows) {
      if (row.kind === 'daemon') {
        previous.set(row.id, row.status!);
        continue;
      }
      const key = keyOf(row.daemon!, row.internal!);
      containers.set(key, { id: row.id, status: row.status as ContainerStatus | null, isNew: row.inserted, changes: {}, seenAt: wanted.get(key)!.at });
    }
    // A daemon deleted after its token was cached (e.g. on another Pharos instance).
    for (const id of daemons.ids) {
      if (previous.has(id)) continue;
      this.directory.forget(id);
      this.forgetDaemon(id);
    }
    return { previous, containers };
  }

  /**
   * One statement: each container's state after the batch, the raw history (every update as it
   * came, in arrival order) and the event-log entries, returned as stored; with `daemons`, also
   * marks those daemons seen and returns the status each had before.
   */
  private async store(
    sql: SqlRunner,
    containers: ContainerState[],
    { rows, entries }: ComposedBatch,
    daemons?: { ids: string[]; ats: string[] },
  ): Promise<{ logged: { subjectId: string; entry: LogEntryData }[]; daemons: { id: string; previous: string }[] }> {
    const log = entriesInsert(entries, 3);
    const touch = daemons ? `${touchDaemonsSql('$4', '$5')},` : '';
    const returned = await sql.query<{ kind: 'entry' | 'daemon'; id: string; previous: string | null }>(
      `WITH ${touch} saved AS (
         UPDATE "LightdContainer" c
            SET "lastSeenAt" = v.seen,
                "status" = CASE WHEN v.set_status THEN v.status::"ContainerStatus" ELSE c."status" END,
                "statusChangedAt" = CASE WHEN v.set_status THEN v.status_at ELSE c."statusChangedAt" END,
                "lastError" = CASE WHEN v.set_error THEN v.error ELSE c."lastError" END,
                "lastErrorData" = CASE WHEN v.set_error THEN v.error_data ELSE c."lastErrorData" END,
                "lastErrorAt" = CASE WHEN v.set_error THEN v.error_at ELSE c."lastErrorAt" END
           FROM ${jsonRowsSql('$1', CONTAINER_STATE_COLUMNS)}
          WHERE c."id" = v.id
       ), history AS (
         INSERT INTO "LightdUpdate" ("daemonId", "containerId", "receivedAt", "event", "status", "error", "data", "body")
         SELECT d, c, a, e, s::"ContainerStatus", er, da, b FROM ${jsonRowsSql('$2', UPDATE_ROW_COLUMNS)} ORDER BY n
       ), logged AS (${log.sql})
       SELECT 'entry' AS kind, id, NULL::text AS previous FROM logged
       ${daemons ? `UNION ALL SELECT 'daemon', t."id"::text, t.previous FROM touched t` : ''}`,
      [
        JSON.stringify(
          containers.map(({ id, seenAt, changes }) => ({
            id,
            seen: seenAt,
            set_status: changes.status !== undefined,
            status: changes.status,
            status_at: changes.statusChangedAt,
            set_error: changes.lastError !== undefined,
            error: changes.lastError,
            error_data: changes.lastErrorData,
            error_at: changes.lastErrorAt,
          })),
        ),
        JSON.stringify(
          rows.map(({ daemonId, containerId, at, event, status }) => ({
            d: daemonId,
            c: containerId,
            a: at,
            e: event.body.event,
            s: status,
            er: event.kind === 'update' ? event.body.error : undefined,
            da: event.kind === 'update' ? event.body.data : undefined,
            b: event.body,
          })),
        ),
        ...log.params,
        ...(daemons ? [daemons.ids, daemons.ats] : []),
      ],
    );
    const stored = log.stored(returned.filter((r) => r.kind === 'entry').map((r) => r.id));
    return {
      logged: stored.map((entry, i) => ({ subjectId: entries[i]!.subjectId, entry })),
      daemons: returned.filter((r) => r.kind === 'daemon').map((r) => ({ id: r.id, previous: r.previous! })),
    };
  }
}

/** The event-log entry of a daemon coming online (`was`: its status before). */
export function daemonOnlineEntry(daemon: ReportingDaemon, was: string | undefined, at: Date): NewLogEntry {
  const again = was === 'offline' ? ' again' : '';
  return { kind: 'daemon.online', message: `Daemon ${daemon.name} is online${again}`, data: { previousStatus: was ?? null }, at };
}
