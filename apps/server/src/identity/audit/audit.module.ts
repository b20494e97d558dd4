import { retentionOf } from '../../platform/retention/retention-job';
import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditLogService } from './audit-log.service';
import { AuditService } from './audit.service';
import { AuditStore } from './audit.store';

/** Who did what: every module records its admin actions here (`AuditLogService`); admins read it. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [
    AuditStore,
    AuditLogService,
    AuditService,
    retentionOf(AuditStore, { name: 'audit entries', days: (r) => r.auditDays, deleteBatch: (store, cutoff, limit) => store.deleteBefore(cutoff, limit) }),
  ],
  exports: [AuditLogService],
})
export class AuditModule {}
