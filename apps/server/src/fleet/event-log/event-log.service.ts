import { Injectable } from '@nestjs/common';
import { type EventLevel, type EventLogEntry, type EventSubject, type Prisma, PrismaService } from '@pharos/database';
import type { LogEntryData } from '@pharos/protocol';
import { type JsonRowColumn, jsonRowsSql } from '../../platform/database/json-rows';
import { FleetEventBus } from '../../platform/events/fleet-event-bus';

export interface NewLogEntry {
  level?: EventLevel;
  /** Dotted machine name, e.g. `agent.connected`, `container.status`. */
  kind: string;
  message: string;
  data?: Prisma.InputJsonValue;
  at?: Date;
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

/** An entry to store, with its subject. */
export interface LogEntryToStore {
  subjectType: EventSubject;
  subjectId: string;
  entry: NewLogEntry;
}

/** The columns of a log entry row as `logEntriesInsert` passes them. */
const LOG_ENTRY_COLUMNS: JsonRowColumn[] = [
  ['t', 'text'],
  ['s', 'uuid'],
  ['a', 'timestamptz'],
  ['l', 'text'],
  ['k', 'text'],
  ['m', 'text'],
  ['d', 'jsonb'],
];

/**
 * Many entries as one INSERT, to run alone or inside a larger statement: its SQL (one
 * parameter, $first, returning each new id as text), its parameters, and the entries as
 * stored, in the given order, from the ids it returned.
 */
export function logEntriesInsert(
  entries: LogEntryToStore[],
  first = 1,
): { sql: string; params: unknown[]; stored: (ids: string[]) => LogEntryData[] } {
  const now = new Date();
  const at = entries.map(({ entry }) => entry.at ?? now);
  return {
    sql: `INSERT INTO "EventLogEntry" ("subjectType", "subjectId", "at", "level", "kind", "message", "data")
       SELECT t::"EventSubject", s, a, l::"EventLevel", k, m, d
         FROM ${jsonRowsSql(`$${first}`, LOG_ENTRY_COLUMNS)}
        ORDER BY n
       RETURNING "id"::text AS id`,
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

/**
 * The append-only event log of every subject (server, Lightd daemon, Lightd container): an
 * entry is stored, then published on the bus to the subject's live log subscribers.
 */
@Injectable()
export class EventLogService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly bus: FleetEventBus,
  ) {}

  /** Stores the entry (answered ⇒ committed) and publishes it. */
  async record(subjectType: EventSubject, subjectId: string, entry: NewLogEntry, tx: Prisma.TransactionClient = this.prisma): Promise<LogEntryData> {
    const stored = await tx.eventLogEntry.create({
      data: {
        subjectType,
        subjectId,
        level: entry.level ?? 'INFO',
        kind: entry.kind,
        message: entry.message,
        data: entry.data,
        at: entry.at,
      },
    });
    const view = toLogEntryData(stored);
    if (tx === this.prisma) this.bus.publish('log', subjectId, view);
    return view;
  }

  /**
   * Stores many entries in one statement inside the caller's transaction (a group commit's),
   * returning them in the given order with their ids; the caller publishes them once committed.
   */
  async recordMany(entries: LogEntryToStore[], tx: Prisma.TransactionClient): Promise<LogEntryData[]> {
    if (entries.length === 0) return [];
    const insert = logEntriesInsert(entries);
    const rows = await tx.$queryRawUnsafe<{ id: string }[]>(insert.sql, ...insert.params);
    return insert.stored(rows.map((r) => r.id));
  }

  /** Publishes entries stored inside a caller's transaction, once it has committed. */
  publishCommitted(subjectId: string, entries: LogEntryData[]): void {
    for (const entry of entries) this.bus.publish('log', subjectId, entry);
  }

  /** The latest `limit` entries of a subject, oldest first. */
  async recent(subjectId: string, limit: number): Promise<LogEntryData[]> {
    const rows = await this.prisma.eventLogEntry.findMany({
      where: { subjectId },
      orderBy: { id: 'desc' },
      take: limit,
    });
    return rows.reverse().map(toLogEntryData);
  }

  /** A page of a subject's entries, newest first, before an id (for history views). */
  async page(subjectId: string, options: { before?: bigint; limit: number }): Promise<LogEntryData[]> {
    const rows = await this.prisma.eventLogEntry.findMany({
      where: { subjectId, ...(options.before ? { id: { lt: options.before } } : {}) },
      orderBy: { id: 'desc' },
      take: options.limit,
    });
    return rows.map(toLogEntryData);
  }
}
