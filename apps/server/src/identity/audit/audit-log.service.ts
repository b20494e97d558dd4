import { Injectable } from '@nestjs/common';
import type { Prisma } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';
import { AuditStore } from './audit.store';

export interface AuditActor {
  id: string;
  username: string;
  /** The personal API token the actor acted with, if any (the entry names it). */
  apiToken?: { id: string; name: string };
}

/** Who did what to which target: every admin action that changes or drives the fleet. */
@Injectable()
export class AuditLogService {
  constructor(private readonly store: AuditStore) {}

  /** Writes the entry, inside the caller's transaction when given (with the change it audits). */
  record(
    actor: AuditActor | null,
    action: string,
    target: { type: string; id: string } | null,
    data?: Prisma.InputJsonValue,
    tx?: DbTransaction,
  ): Promise<void> {
    return this.store.insert(
      {
        actorId: actor?.id,
        actorName: actor?.username,
        apiTokenId: actor?.apiToken?.id,
        apiTokenName: actor?.apiToken?.name,
        action,
        targetType: target?.type,
        targetId: target?.id,
        data,
      },
      tx,
    );
  }
}
