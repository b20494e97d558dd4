import { Injectable } from '@nestjs/common';
import type { EventSubject } from '@pharos/database';
import type { LogEntryData } from '@pharos/protocol';
import type { DbTransaction } from '../../platform/database/transactions';
import { FleetEventBus } from '../../platform/events/fleet-event-bus';
import { EventLogStore, type LogEntryToStore, type NewLogEntry } from './event-log.store';

export type { LogEntryToStore, NewLogEntry };

/**
 * The append-only event log of every subject (server, Lightd daemon, Lightd container): an
 * entry is stored, then published on the bus to the subject's live log subscribers. An entry
 * written inside a caller's transaction (`append`) is published by the caller once it has
 * committed (`publishCommitted`); one written on its own (`record`) is published here.
 */
@Injectable()
export class EventLogService {
  constructor(
    private readonly store: EventLogStore,
    private readonly bus: FleetEventBus,
  ) {}

  /** Stores the entry on its own (answered ⇒ committed) and publishes it. */
  async record(subjectType: EventSubject, subjectId: string, entry: NewLogEntry): Promise<LogEntryData> {
    const stored = await this.store.insert(subjectType, subjectId, entry);
    this.bus.publish('log', subjectId, stored);
    return stored;
  }

  /** Stores the entry inside the caller's transaction; the caller publishes it once committed. */
  append(subjectType: EventSubject, subjectId: string, entry: NewLogEntry, tx: DbTransaction): Promise<LogEntryData> {
    return this.store.insert(subjectType, subjectId, entry, tx);
  }

  /** Many entries in one statement, inside the caller's transaction if given; returned in order, not published. */
  appendMany(entries: LogEntryToStore[], tx?: DbTransaction): Promise<LogEntryData[]> {
    return this.store.insertMany(entries, tx);
  }

  /** Publishes entries stored inside a caller's transaction, once it has committed. */
  publishCommitted(subjectId: string, entries: LogEntryData[]): void {
    for (const entry of entries) this.bus.publish('log', subjectId, entry);
  }

  /** The latest `limit` entries of a subject, oldest first. */
  recent(subjectId: string, limit: number): Promise<LogEntryData[]> {
    return this.store.recent(subjectId, limit);
  }

  /** A page of a subject's entries, newest first, before an id (for history views). */
  page(subjectId: string, options: { before?: bigint; limit: number }): Promise<LogEntryData[]> {
    return this.store.page(subjectId, options);
  }

  /** Which kind of subject with an event log an id names, if any. */
  subjectType(id: string): Promise<EventSubject | null> {
    return this.store.subjectType(id);
  }
}
