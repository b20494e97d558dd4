import { Injectable } from '@nestjs/common';
import { type AuditEntry, type Prisma, PrismaService } from '@pharos/database';
import type { AuditEntryView, AuditPage } from '@pharos/protocol';

export type { AuditEntryView, AuditPage };

export interface AuditFilter {
  before?: bigint;
  limit: number;
  action?: string;
  actor?: string;
}

export function toAuditEntryView(entry: AuditEntry): AuditEntryView {
  return {
    id: entry.id.toString(),
    at: entry.at.toISOString(),
    actor: { id: entry.actorId, username: entry.actorName },
    action: entry.action,
    target: entry.targetType ? { type: entry.targetType, id: entry.targetId } : null,
    data: entry.data ?? null,
    ip: entry.ip,
  };
}

/** Reads the audit log (written by `AuditLogService`), newest first, a page at a time. */
@Injectable()
export class AuditService {
  constructor(private readonly prisma: PrismaService) {}

  async page(filter: AuditFilter): Promise<AuditPage> {
    const where: Prisma.AuditEntryWhereInput = {
      ...(filter.before !== undefined ? { id: { lt: filter.before } } : {}),
      ...(filter.action ? { action: filter.action.endsWith('.') ? { startsWith: filter.action } : filter.action } : {}),
      ...(filter.actor ? { actorName: filter.actor } : {}),
    };
    // One more than asked tells whether an older page exists without a count.
    const rows = await this.prisma.auditEntry.findMany({ where, orderBy: { id: 'desc' }, take: filter.limit + 1 });
    const items = rows.slice(0, filter.limit).map(toAuditEntryView);
    return { items, nextBefore: rows.length > filter.limit ? items[items.length - 1]!.id : null };
  }
}
