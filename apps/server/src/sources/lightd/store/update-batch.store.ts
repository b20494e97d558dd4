import { Injectable } from '@nestjs/common';
import { type ContainerStatus, PrismaService, type SqlRunner } from '@pharos/database';
import type { LogEntryData } from '@pharos/protocol';
import { entriesInsert, insertEntriesSql, type LogEntryToStore } from '../../../fleet/event-log/event-log.store';
import type { ContainerEvent, ContainerUpdatePlan, UsageGauge } from '../remote/container-update-plan';

/** Each daemon of a batch with the time of its latest update (ISO), in key order. */
export interface DaemonsSeen {
  ids: string[];
  ats: string[];
}

/** A container a batch names: created if new, else locked. */
export interface WantedContainer {
  daemonId: string;
  internalId: string;
  /** Its first update in the batch. */
  at: Date;
}

/** A container as `touchAndLock` found or created it. */
export interface LockedContainer {
  id: string;
  /**
   * Which of the `WantedContainer`s it is (its index): matched by position, not by comparing
   * the internal id read back, which is the text as stored (the driver encodes what it sends
   * as UTF-8, so a lone surrogate in a JS string comes back U+FFFD).
   */
  wanted: number;
  status: ContainerStatus | null;
  statusChangedAt: Date | null;
  inserted: boolean;
}

/** A container's state after a batch: what its updates changed, its latest gauge, when it was last seen. */
export interface ContainerStateRow {
  id: string;
  seenAt: Date;
  changes: ContainerUpdatePlan['changes'];
  usage?: UsageGauge;
}

/** One raw history row: an update as it came. */
export interface UpdateRow {
  daemonId: string;
  containerId: string | null;
  at: Date;
  event: ContainerEvent;
  /** The status it reported. */
  status: ContainerStatus | null;
}

/** What a batch stores: containers' new state, raw history rows and event-log entries, in arrival order. */
export interface BatchToStore {
  containers: ContainerStateRow[];
  rows: UpdateRow[];
  entries: LogEntryToStore[];
}

/** The batch's log entries as stored, each with its subject, in the given order. */
export type LoggedEntries = { subjectId: string; entry: LogEntryData }[];

/** A daemon a batch marked seen, with its status before. */
export interface TouchedDaemon {
  id: string;
  previous: string;
}

/**
 * Marks the batch's daemons ($ids, $ats: `DaemonsSeen`) seen and online, returning each one's
 * status before (`touched`: id, previous), locked in key order.
 */
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
 * The first statement of a batch written with locks: its daemons marked seen ($1, $2), then
 * each container it names ($3 daemon ids, $4 internal ids, $5 first times; in key order) of
 * the daemons that still exist: created if new, else locked (an upsert waits for a concurrent
 * insert, where a plain select would miss it). Returns each daemon's status before, and each
 * container's, with its position in $3–$5 (`wanted`, from 1).
 */
const TOUCH_AND_LOCK_SQL = `WITH ${touchDaemonsSql('$1', '$2')},
            wanted AS (SELECT * FROM unnest($3::uuid[], $4::text[], $5::timestamptz[]) WITH ORDINALITY AS w(daemon, internal, at, n)),
            containers AS (
              INSERT INTO "LightdContainer" AS c ("id", "daemonId", "internalId", "firstSeenAt", "lastSeenAt")
              SELECT gen_random_uuid(), w.daemon, w.internal, w.at, w.at FROM wanted w JOIN touched t ON t."id" = w.daemon ORDER BY w.n
              ON CONFLICT ("daemonId", "internalId") DO UPDATE SET "lastSeenAt" = EXCLUDED."lastSeenAt"
              RETURNING c."id", c."daemonId", c."internalId", c."status"::text AS status, c."statusChangedAt", (c.xmax = 0) AS inserted)
       SELECT 'daemon' AS kind, t."id"::text AS id, t.previous AS status, NULL::timestamptz AS changed_at, NULL::int AS wanted, false AS inserted FROM touched t
       UNION ALL
       SELECT 'container', c."id"::text, c.status, c."statusChangedAt", w.n::int, c.inserted FROM containers c JOIN wanted w ON w.daemon = c."daemonId" AND w.internal = c."internalId"`;

/** A row's billing gauge is not older, on the daemon's clock, than the one kept (updates may arrive out of order). */
const NEWER_GAUGE = `(v.u_at IS NOT NULL AND (c."usageAt" IS NULL OR v.u_at >= c."usageAt"))`;

/**
 * Each container's state after the batch ($1: rows of `ContainerStateRow`, as `store` encodes
 * them), its billing gauge replacing the kept one when it is not older (`NEWER_GAUGE`).
 */
const SAVE_CONTAINERS_CTE = `saved AS (
         UPDATE "LightdContainer" c
            SET "lastSeenAt" = v.seen,
                "status" = CASE WHEN v.set_status THEN v.status::"ContainerStatus" ELSE c."status" END,
                "statusChangedAt" = CASE WHEN v.set_status THEN v.status_at ELSE c."statusChangedAt" END,
                "lastError" = CASE WHEN v.set_error THEN v.error ELSE c."lastError" END,
                "lastErrorData" = CASE WHEN v.set_error THEN v.error_data ELSE c."lastErrorData" END,
                "lastErrorAt" = CASE WHEN v.set_error THEN v.error_at ELSE c."lastErrorAt" END,
                "usageMemoryGb" = CASE WHEN ${NEWER_GAUGE} THEN v.u_memory ELSE c."usageMemoryGb" END,
                "usageCpuVcpus" = CASE WHEN ${NEWER_GAUGE} THEN v.u_cpu ELSE c."usageCpuVcpus" END,
                "usageStorageGb" = CASE WHEN ${NEWER_GAUGE} THEN v.u_storage ELSE c."usageStorageGb" END,
                "usageEgressGb" = CASE WHEN ${NEWER_GAUGE} THEN v.u_egress ELSE c."usageEgressGb" END,
                "usageCost" = CASE WHEN ${NEWER_GAUGE} THEN v.u_cost ELSE c."usageCost" END,
                "usageAt" = CASE WHEN ${NEWER_GAUGE} THEN v.u_at ELSE c."usageAt" END,
                "usageReceivedAt" = CASE WHEN ${NEWER_GAUGE} THEN v.u_received ELSE c."usageReceivedAt" END
           FROM ROWS FROM (json_to_recordset($1::json) AS (id uuid, seen timestamptz, set_status boolean, status text, status_at timestamptz, set_error boolean, error text, error_data text, error_at timestamptz,
                  u_memory double precision, u_cpu double precision, u_storage double precision, u_egress double precision, u_cost double precision, u_at timestamptz, u_received timestamptz)) AS v
          WHERE c."id" = v.id
       )`;

/** The raw history, every update as it came, in arrival order ($2: rows of `UpdateRow`, as `store` encodes them). */
const INSERT_HISTORY_CTE = `history AS (
         INSERT INTO "LightdUpdate" ("daemonId", "containerId", "receivedAt", "event", "status", "error", "data", "body")
         SELECT d, c, a, e, s::"ContainerStatus", er, da, b FROM ROWS FROM (json_to_recordset($2::json) AS (d uuid, c uuid, a timestamptz, e text, s text, er text, da text, b json)) WITH ORDINALITY AS v(d, c, a, e, s, er, da, b, n) ORDER BY n
       )`;

/**
 * The batch's event-log entries ($3), by the event log's own INSERT (`entriesInsert`, in
 * fleet/event-log/event-log.store.ts), inside this statement so a batch is one round trip.
 */
const LOG_ENTRIES_CTE = `logged AS (${insertEntriesSql('$3')})`;

/** The second statement of a batch written with locks: containers, history, log entries; returns the entries' ids. */
const STORE_SQL = `WITH ${SAVE_CONTAINERS_CTE}, ${INSERT_HISTORY_CTE}, ${LOG_ENTRIES_CTE}
       SELECT 'entry' AS kind, id, NULL::text AS previous FROM logged`;

/**
 * A batch of known containers in one statement: as `STORE_SQL`, and its daemons marked seen
 * ($4, $5); returns the entries' ids and each daemon's status before.
 */
const TOUCH_AND_STORE_SQL = `WITH ${touchDaemonsSql('$4', '$5')}, ${SAVE_CONTAINERS_CTE}, ${INSERT_HISTORY_CTE}, ${LOG_ENTRIES_CTE}
       SELECT 'entry' AS kind, id, NULL::text AS previous FROM logged
       UNION ALL SELECT 'daemon', t."id"::text, t.previous FROM touched t`;

type TouchAndLockRow = {
  kind: 'daemon' | 'container';
  id: string;
  status: string | null;
  changed_at: Date | string | null;
  wanted: number | null;
  inserted: boolean;
};
type StoreRow = { kind: 'entry' | 'daemon'; id: string; previous: string | null };

/**
 * The statements of the Lightd update batch (`remote/lightd-update-batch.ts`), the hot path:
 * all run on the driver itself, as prepared statements (`PrismaService.queryDirect`,
 * `directTransaction`): through Prisma, its overhead per statement was a third of what a batch
 * cost. Rows travel as one JSON parameter each (see `platform/database/json-rows.ts`).
 */
@Injectable()
export class UpdateBatchStore {
  constructor(private readonly prisma: PrismaService) {}

  /** A transaction on the driver: committed when `work` resolves, rolled back when it throws. */
  transaction<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T> {
    return this.prisma.directTransaction(work);
  }

  /**
   * Marks the daemons seen and online (locked, in key order), then creates or locks the
   * containers (in key order) of the daemons that still exist. Returns each existing daemon's
   * status before, and the containers as they were.
   */
  async touchAndLock(daemons: DaemonsSeen, containers: WantedContainer[], sql: SqlRunner): Promise<{ previous: Map<string, string>; containers: LockedContainer[] }> {
    const rows = await sql.query<TouchAndLockRow>(TOUCH_AND_LOCK_SQL, [
      daemons.ids,
      daemons.ats,
      containers.map((c) => c.daemonId),
      containers.map((c) => c.internalId),
      containers.map((c) => c.at.toISOString()),
    ]);
    const previous = new Map<string, string>();
    const locked: LockedContainer[] = [];
    for (const row of rows) {
      if (row.kind === 'daemon') previous.set(row.id, row.status!);
      else {
        const statusChangedAt = row.changed_at === null ? null : new Date(row.changed_at);
        locked.push({ id: row.id, wanted: row.wanted! - 1, status: row.status as ContainerStatus | null, statusChangedAt, inserted: row.inserted });
      }
    }
    return { previous, containers: locked };
  }

  /** Stores a batch inside a transaction (after `touchAndLock`); returns its log entries as stored. */
  async store(batch: BatchToStore, sql: SqlRunner): Promise<LoggedEntries> {
    const log = entriesInsert(batch.entries, 3);
    const returned = await sql.query<StoreRow>(STORE_SQL, [...batchParams(batch), ...log.params]);
    return logged(batch.entries, log.stored(returned.map((r) => r.id)));
  }

  /**
   * Stores a batch of known containers and marks its daemons seen, in one statement on its own
   * (autocommit). Returns its log entries as stored, and each daemon's status before.
   */
  async touchAndStore(daemons: DaemonsSeen, batch: BatchToStore): Promise<{ logged: LoggedEntries; daemons: TouchedDaemon[] }> {
    const log = entriesInsert(batch.entries, 3);
    const returned = await this.prisma.queryDirect<StoreRow>(TOUCH_AND_STORE_SQL, [...batchParams(batch), ...log.params, daemons.ids, daemons.ats]);
    return {
      logged: logged(batch.entries, log.stored(returned.filter((r) => r.kind === 'entry').map((r) => r.id))),
      daemons: returned.filter((r) => r.kind === 'daemon').map((r) => ({ id: r.id, previous: r.previous! })),
    };
  }
}

/** $1 and $2 of the store statements: containers' states and history rows, as JSON rows. */
function batchParams({ containers, rows }: BatchToStore): [string, string] {
  return [
    JSON.stringify(
      containers.map(({ id, seenAt, changes, usage }) => ({
        id,
        seen: seenAt,
        set_status: changes.status !== undefined,
        status: changes.status,
        status_at: changes.statusChangedAt,
        set_error: changes.lastError !== undefined,
        error: changes.lastError,
        error_data: changes.lastErrorData,
        error_at: changes.lastErrorAt,
        ...(usage
          ? { u_memory: usage.memoryGb, u_cpu: usage.cpuVcpus, u_storage: usage.storageGb, u_egress: usage.egressGb, u_cost: usage.cost, u_at: usage.at, u_received: usage.receivedAt }
          : {}),
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
  ];
}

function logged(entries: LogEntryToStore[], stored: LogEntryData[]): LoggedEntries {
  return stored.map((entry, i) => ({ subjectId: entries[i]!.subjectId, entry }));
}
