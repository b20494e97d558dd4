import { Injectable } from '@nestjs/common';
import type { AuditEntry } from '@pharos/database';
import type { AuditEntryView, AuditPage } from '@pharos/protocol';
import { type AuditFilter, AuditStore } from './audit.store';

export type { AuditEntryView, AuditPage };

export function toAuditEntryView(entry: AuditEntry): AuditEntryView {
  return {
    id: entry.id.toString(),
    at: entry.at.toISOString(),
    actor: {
      id: entry.actorId,
      username: entry.actorName,
      ...(entry.apiTokenId !== null && { apiToken: { id: entry.apiTokenId, name: entry.apiTokenName } }),
    },
    action: entry.action,
    target: entry.targetType ? { type: entry.targetType, id: entry.targetId } : null,
    data: entry.data ?? null,
    ip: entry.ip,
  };
}

/** Reads the audit log (written by `AuditLogService`), newest first, a page at a time. */
@Injectable()
export class AuditService {
  constructor(private readonly store: AuditStore) {}

  async page(filter: AuditFilter): Promise<AuditPage> {
    // One more than asked tells whether an older page exists without a count.
    const rows = await this.store.newest(filter, filter.limit + 1);
    const items = rows.slice(0, filter.limit).map(toAuditEntryView);
    return { items, nextBefore: rows.length > filter.limit ? items[items.length - 1]!.id : null };
  }
}
