import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

/** The admin view of the audit log (entries are written by `AuditLogService` in `events/`). */
@Module({ controllers: [AuditController], providers: [AuditService] })
export class AuditModule {}
