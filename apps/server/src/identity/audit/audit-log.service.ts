import { Injectable } from '@nestjs/common';
import { type Prisma, PrismaService } from '@pharos/database';

export interface AuditActor {
  id: string;
  username: string;
}

/** Who did what to which target: every admin action that changes or drives the fleet. */
@Injectable()
export class AuditLogService {
  constructor(private readonly prisma: PrismaService) {}

  async record(
    actor: AuditActor | null,
    action: string,
    target: { type: string; id: string } | null,
    data?: Prisma.InputJsonValue,
    tx: Prisma.TransactionClient = this.prisma,
  ): Promise<void> {
    await tx.auditEntry.create({
      data: {
        actorId: actor?.id,
        actorName: actor?.username,
        action,
        targetType: target?.type,
        targetId: target?.id,
        data,
      },
    });
  }
}
