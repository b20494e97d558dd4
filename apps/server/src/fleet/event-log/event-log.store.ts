import { Injectable } from '@nestjs/common';
import { type EventLevel, type EventLogEntry, type EventSubject, type Prisma, PrismaService } from '@pharos/database';
import type { LogEntryData } from '@pharos/protocol';
import type { DbTransaction } from '../../platform/database/transactions';
import { type JsonRowColumn, jsonRowsSql } from '../../platform/database/json-rows';

export interface NewLogEntry {
  level?: EventLevel;
  /** Dotted machine name, e.g. `agent.connected`, `container.status`. */
  kind: string;
  message: string;
  data?: Prisma.InputJsonValue;
  at?: Date;
}

/** An entry to store, with its subject. */
export interface LogEntryToStore {
  subjectType: EventSubject;
  subjectId: string;
  entry: NewLogEntry;
}

/** An INSERT of many entries that a caller runs alone or inside a larger statement. */
export interface EntriesInsert {
  /** One parameter ($first), returning each new id as text. */
  sql: string;
  params: unknown[];
  /** The entries as stored, in the given order, from the ids the statement returned. */
  stored(ids: string[]): LogEntryData[];
}

export function toLogEntryData(entry: EventLogEntry): LogEntryData {
  return {
    id: entry.id.toString(),
    level: entry.level,
    kind: entry.kind,
    message: entry.message,
    timestamp: entry.at.toISOString(),
    ...(entry.data === null ? {} : { data: entry.data }),
  };
}

/** Retention: a batch of the oldest entries before $1, at most $2 (walking the primary key, as ids grow with time). */
const DELETE_ENTRIES_BEFORE_SQL = `DELETE FROM "EventLogEntry" WHERE "id" IN (
    SELECT "id" FROM "EventLogEntry" WHERE "at" < $1::timestamptz ORDER BY "id" LIMIT $2)`;

/** The columns of an entry row as `entriesInsert` passes them. */
const ENTRY_COLUMNS: JsonRowColumn[] = [
  ['t', 'text'],
  ['s', 'uuid'],
  ['a', 'timestamptz'],
  ['l', 'text'],
  ['k', 'text'],
  ['m', 'text'],
  ['d', 'jsonb'],
];

/**
 * Entries of parameter `param` (rows of `ENTRY_COLUMNS`, as `entriesInsert` encodes them),
 * inserted in their order, returning each id as text: for a caller that writes them inside a
 * larger statement of its own (the Lightd update batch).
 */
export const insertEntriesSql = (param: string) => `INSERT INTO "EventLogEntry" ("subjectType", "subjectId", "at", "level", "kind", "message", "data")
  SELECT t::"EventSubject", s, a, l::"EventLevel", k, m, d
    FROM ${jsonRowsSql(param, ENTRY_COLUMNS)}
   ORDER BY n
  RETURNING "id"::text AS id`;

/**
 * The event log's SQL: one table of entries, each addressed to a subject (a server, a Lightd
 * daemon or container), append-only.
 */
@Injectable()
export class EventLogStore {
  constructor(private readonly prisma: PrismaService) {}

  /** At most `limit` entries older than `cutoff`, oldest first (ids grow with time); returns how many went. */
  deleteBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(DELETE_ENTRIES_BEFORE_SQL, cutoff.toISOString(), limit);
  }

  async insert(subjectType: EventSubject, subjectId: string, entry: NewLogEntry, db: DbTransaction = this.prisma): Promise<LogEntryData> {
    const stored = await db.eventLogEntry.create({
      data: { subjectType, subjectId, level: entry.level ?? 'INFO', kind: entry.kind, message: entry.message, data: entry.data, at: entry.at },
    });
    return toLogEntryData(stored);
  }

  /** Many entries in one statement, returned in the given order with their ids. */
  async insertMany(entries: LogEntryToStore[], db: DbTransaction = this.prisma): Promise<LogEntryData[]> {
    if (entries.length === 0) return [];
    const insert = entriesInsert(entries);
    const rows = await db.$queryRawUnsafe<{ id: string }[]>(insert.sql, ...insert.params);
    return insert.stored(rows.map((r) => r.id));
  }

  /** The latest `limit` entries of a subject, oldest first. */
  async recent(subjectId: string, limit: number): Promise<LogEntryData[]> {
    const rows = await this.prisma.eventLogEntry.findMany({ where: { subjectId }, orderBy: { id: 'desc' }, take: limit });
    return rows.reverse().map(toLogEntryData);
  }

  /** A page of a subject's entries, newest first, before an id. */
  async page(subjectId: string, options: { before?: bigint; limit: number }): Promise<LogEntryData[]> {
    const rows = await this.prisma.eventLogEntry.findMany({
      where: { subjectId, ...(options.before ? { id: { lt: options.before } } : {}) },
      orderBy: { id: 'desc' },
      take: options.limit,
    });
    return rows.map(toLogEntryData);
  }

  /** Which kind of subject an id names (a server not deleted, a daemon, a container), if any. */
  async subjectType(id: string): Promise<EventSubject | null> {
    const [server, daemon, container] = await Promise.all([
      this.prisma.server.findUnique({ where: { id }, select: { deletedAt: true } }),
      this.prisma.lightdDaemon.findUnique({ where: { id }, select: { id: true } }),
      this.prisma.lightdContainer.findUnique({ where: { id }, select: { id: true } }),
    ]);
    if (server && !server.deletedAt) return 'server';
    if (daemon) return 'lightd_daemon';
    if (container) return 'lightd_container';
    return null;
  }
}

/**
 * Many entries as one INSERT (one parameter, `$first`), for a caller that writes them inside a
 * larger statement of its own, in the same round trip (the Lightd update batch).
 */
export function entriesInsert(entries: LogEntryToStore[], first = 1): EntriesInsert {
  const now = new Date();
  const at = entries.map(({ entry }) => entry.at ?? now);
  return {
    sql: insertEntriesSql(`$${first}`),
    params: [
      JSON.stringify(
        entries.map(({ subjectType, subjectId, entry }, i) => ({
          t: subjectType,
          s: subjectId,
          a: at[i],
          l: entry.level ?? 'INFO',
          k: entry.kind,
          m: entry.message,
          d: entry.data ?? null,
        })),
      ),
    ],
    stored: (returned) => {
      // Ids come from one sequence in the order the rows were inserted (the ORDER BY above).
      const ids = returned.map((id) => BigInt(id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return entries.map(({ entry }, i) => ({
        id: ids[i]!.toString(),
        level: entry.level ?? 'INFO',
        kind: entry.kind,
        message: entry.message,
        timestamp: at[i]!.toISOString(),
        ...(entry.data === undefined || entry.data === null ? {} : { data: entry.data }),
      }));
    },
  };
}
