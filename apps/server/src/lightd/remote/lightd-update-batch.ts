import { Injectable } from '@nestjs/common';
import { type ContainerStatus, type EventSubject, type Prisma, PrismaService } from '@pharos/database';
import type { LightdRemoteEvent, LogEntryData } from '@pharos/protocol';
import { UnauthorizedError } from '../../errors/domain-errors';
import { EventLogService, type NewLogEntry } from '../../events/event-log.service';
import { type ContainerUpdatePlan, planContainerUpdate } from './container-update-plan';
import { DaemonTokenDirectory, type ReportingDaemon } from './daemon-token-directory';

/** One `POST /update`, validated, waiting for its batch. */
export interface ReceivedUpdate {
  daemon: ReportingDaemon;
  event: LightdRemoteEvent;
  /** When Pharos received it. */
  at: Date;
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

/**
 * Writes a batch of Lightd updates in one transaction with a fixed number of statements,
 * whatever the batch's size: daemons' liveness (one UPDATE), containers created and locked
 * (one INSERT, one SELECT … FOR UPDATE), their new state (one UPDATE), every event-log entry
 * (one INSERT) and every raw update row (one INSERT). Within a batch, updates apply in the
 * order they arrived, each seeing the state the previous left, exactly as they would one by
 * one. Returns one outcome per update, and publishes the log entries once committed.
 */
@Injectable()
export class LightdUpdateBatchWriter {
  constructor(
    private readonly prisma: PrismaService,
    private readonly eventLog: EventLogService,
    private readonly directory: DaemonTokenDirectory,
  ) {}

  async write(updates: ReceivedUpdate[]): Promise<(void | Error)[]> {
    const outcomes: (void | Error)[] = updates.map(() => undefined);
    const published = await this.prisma.$transaction(async (tx) => {
      const previous = await this.touchDaemons(tx, updates);
      const kept: number[] = [];
      updates.forEach((u, i) => {
        if (previous.has(u.daemon.id)) kept.push(i);
        else outcomes[i] = new UnauthorizedError('invalid token: no daemon is registered with it');
      });
      const containers = await this.lockContainers(tx, kept.map((i) => updates[i]!));

      const entries: { subjectType: EventSubject; subjectId: string; entry: NewLogEntry }[] = [];
      const daemonEntry = (daemon: ReportingDaemon, entry: NewLogEntry) => entries.push({ subjectType: 'lightd_daemon', subjectId: daemon.id, entry });
      const rows: { daemonId: string; containerId: string | null; at: Date; event: LightdRemoteEvent; status: ContainerStatus | null }[] = [];
      const announced = new Set<string>();
      for (const i of kept) {
        const { daemon, event, at } = updates[i]!;
        const was = previous.get(daemon.id);
        if (was !== 'online' && !announced.has(daemon.id)) {
          announced.add(daemon.id);
          const again = was === 'offline' ? ' again' : '';
          daemonEntry(daemon, { kind: 'daemon.online', message: `Daemon ${daemon.name} is online${again}`, data: { previousStatus: was ?? null }, at });
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
      await this.saveContainers(tx, [...containers.values()]);
      const stored = await this.eventLog.recordMany(entries, tx);
      await this.insertUpdates(tx, rows);
      return stored.map((entry, i) => ({ subjectId: entries[i]!.subjectId, entry }));
    });
    for (const { subjectId, entry } of published) this.eventLog.publishCommitted(subjectId, [entry as LogEntryData]);
    return outcomes;
  }

  /** Last seen/update times and "online" for each daemon of the batch; their status before. */
  private async touchDaemons(tx: Prisma.TransactionClient, updates: ReceivedUpdate[]): Promise<Map<string, string>> {
    const latest = new Map<string, Date>();
    for (const u of updates) latest.set(u.daemon.id, u.at);
    const ids = [...latest.keys()].sort();
    const rows = await tx.$queryRawUnsafe<{ id: string; previous: string }[]>(
      `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at)),
            old AS (SELECT d."id", d."status"::text AS status FROM "LightdDaemon" d JOIN v ON d."id" = v.id ORDER BY d."id" FOR UPDATE OF d)
       UPDATE "LightdDaemon" d
          SET "lastSeenAt" = v.at, "lastUpdateAt" = v.at, "updatedAt" = v.at, "status" = 'online',
              "statusChangedAt" = CASE WHEN old.status = 'online' THEN d."statusChangedAt" ELSE v.at END
         FROM v JOIN old ON old."id" = v.id
        WHERE d."id" = v.id
       RETURNING d."id"::text AS id, old.status AS previous`,
      ids,
      ids.map((id) => latest.get(id)!.toISOString()),
    );
    const previous = new Map(rows.map((r) => [r.id, r.previous]));
    // A daemon deleted after its token was cached (e.g. on another Pharos instance).
    for (const id of ids) if (!previous.has(id)) this.directory.forget(id);
    return previous;
  }

  /** Creates the containers first reported now and locks every container of the batch, in key order. */
  private async lockContainers(tx: Prisma.TransactionClient, updates: ReceivedUpdate[]): Promise<Map<ContainerKey, ContainerState>> {
    const wanted = new Map<ContainerKey, { daemonId: string; internalId: string; at: Date }>();
    for (const { daemon, event, at } of updates) {
      const internalId = event.body.server;
      if (internalId !== undefined && !wanted.has(keyOf(daemon.id, internalId))) wanted.set(keyOf(daemon.id, internalId), { daemonId: daemon.id, internalId, at });
    }
    const states = new Map<ContainerKey, ContainerState>();
    if (wanted.size === 0) return states;
    const list = [...wanted.values()].sort((a, b) => (a.daemonId < b.daemonId ? -1 : a.daemonId > b.daemonId ? 1 : a.internalId < b.internalId ? -1 : a.internalId > b.internalId ? 1 : 0));
    const daemonIds = list.map((c) => c.daemonId);
    const internalIds = list.map((c) => c.internalId);
    const created = await tx.$queryRawUnsafe<{ daemonId: string; internalId: string }[]>(
      `INSERT INTO "LightdContainer" ("id", "daemonId", "internalId", "firstSeenAt", "lastSeenAt")
       SELECT gen_random_uuid(), d, i, a, a FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS v(d, i, a, n) ORDER BY n
       ON CONFLICT ("daemonId", "internalId") DO NOTHING
       RETURNING "daemonId"::text AS "daemonId", "internalId"`,
      daemonIds,
      internalIds,
      list.map((c) => c.at.toISOString()),
    );
    const isNew = new Set(created.map((c) => keyOf(c.daemonId, c.internalId)));
    const rows = await tx.$queryRawUnsafe<{ id: string; daemonId: string; internalId: string; status: ContainerStatus | null }[]>(
      `SELECT c."id"::text AS id, c."daemonId"::text AS "daemonId", c."internalId", c."status"::text AS status
         FROM "LightdContainer" c JOIN unnest($1::uuid[], $2::text[]) AS v(d, i) ON c."daemonId" = v.d AND c."internalId" = v.i
        ORDER BY c."daemonId", c."internalId"
          FOR UPDATE OF c`,
      daemonIds,
      internalIds,
    );
    for (const row of rows) {
      const key = keyOf(row.daemonId, row.internalId);
      states.set(key, { id: row.id, status: row.status, isNew: isNew.has(key), changes: {}, seenAt: wanted.get(key)!.at });
    }
    return states;
  }

  /** Each container's state after the batch's updates, in one statement. */
  private async saveContainers(tx: Prisma.TransactionClient, containers: ContainerState[]): Promise<void> {
    if (containers.length === 0) return;
    const iso = (d: Date | undefined) => d?.toISOString() ?? null;
    await tx.$executeRawUnsafe(
      `UPDATE "LightdContainer" c
          SET "lastSeenAt" = v.seen,
              "status" = CASE WHEN v.set_status THEN v.status::"ContainerStatus" ELSE c."status" END,
              "statusChangedAt" = CASE WHEN v.set_status THEN v.status_at ELSE c."statusChangedAt" END,
              "lastError" = CASE WHEN v.set_error THEN v.error ELSE c."lastError" END,
              "lastErrorData" = CASE WHEN v.set_error THEN v.error_data ELSE c."lastErrorData" END,
              "lastErrorAt" = CASE WHEN v.set_error THEN v.error_at ELSE c."lastErrorAt" END
         FROM unnest($1::uuid[], $2::timestamptz[], $3::bool[], $4::text[], $5::timestamptz[], $6::bool[], $7::text[], $8::text[], $9::timestamptz[])
              AS v(id, seen, set_status, status, status_at, set_error, error, error_data, error_at)
        WHERE c."id" = v.id`,
      containers.map((c) => c.id),
      containers.map((c) => c.seenAt.toISOString()),
      containers.map((c) => c.changes.status !== undefined),
      containers.map((c) => c.changes.status ?? null),
      containers.map((c) => iso(c.changes.statusChangedAt)),
      containers.map((c) => c.changes.lastError !== undefined),
      containers.map((c) => c.changes.lastError ?? null),
      containers.map((c) => c.changes.lastErrorData ?? null),
      containers.map((c) => iso(c.changes.lastErrorAt)),
    );
  }

  /** The raw history: every update as it came, in arrival order. */
  private async insertUpdates(
    tx: Prisma.TransactionClient,
    rows: { daemonId: string; containerId: string | null; at: Date; event: LightdRemoteEvent; status: ContainerStatus | null }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO "LightdUpdate" ("daemonId", "containerId", "receivedAt", "event", "status", "error", "data", "body")
       SELECT d, c, a, e, s::"ContainerStatus", er, da, b::json
         FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS v(d, c, a, e, s, er, da, b, n)
        ORDER BY n`,
      rows.map((r) => r.daemonId),
      rows.map((r) => r.containerId),
      rows.map((r) => r.at.toISOString()),
      rows.map((r) => r.event.body.event),
      rows.map((r) => r.status),
      rows.map((r) => (r.event.kind === 'update' ? (r.event.body.error ?? null) : null)),
      rows.map((r) => (r.event.kind === 'update' ? (r.event.body.data ?? null) : null)),
      rows.map((r) => JSON.stringify(r.event.body)),
    );
  }
}
