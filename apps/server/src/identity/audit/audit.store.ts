import { Injectable } from '@nestjs/common';
import { type AuditEntry, type Prisma, PrismaService } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';

/** An entry to write: who (null for the system or the command line) did what to which target. */
export interface NewAuditEntry {
  actorId?: string;
  actorName?: string;
  apiTokenId?: string;
  apiTokenName?: string;
  action: string;
  targetType?: string;
  targetId?: string;
  data?: Prisma.InputJsonValue;
}

export interface AuditFilter {
  before?: bigint;
  limit: number;
  action?: string;
  actor?: string;
}

/** Retention: a batch of the oldest entries before $1, at most $2 (by the index on "at"). */
const DELETE_ENTRIES_BEFORE_SQL = `DELETE FROM "AuditEntry" WHERE "id" IN (
    SELECT "id" FROM "AuditEntry" WHERE "at" < $1::timestamptz ORDER BY "at" LIMIT $2)`;

/** The audit log's SQL: one append-only table of entries, read newest first, trimmed by age. */
@Injectable()
export class AuditStore {
  constructor(private readonly prisma: PrismaService) {}

  /** At most `limit` entries older than `cutoff`; returns how many went. */
  deleteBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(DELETE_ENTRIES_BEFORE_SQL, cutoff.toISOString(), limit);
  }

  async insert(entry: NewAuditEntry, db: DbTransaction = this.prisma): Promise<void> {
    await db.auditEntry.create({ data: entry });
  }

  /** Entries matching the filter, newest first, at most `take`. */
  newest(filter: Omit<AuditFilter, 'limit'>, take: number): Promise<AuditEntry[]> {
    const where: Prisma.AuditEntryWhereInput = {
      ...(filter.before !== undefined ? { id: { lt: filter.before } } : {}),
      ...(filter.action ? { action: filter.action.endsWith('.') ? { startsWith: filter.action } : filter.action } : {}),
      ...(filter.actor ? { actorName: filter.actor } : {}),
    };
    return this.prisma.auditEntry.findMany({ where, orderBy: { id: 'desc' }, take });
  }
}
