import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditLogService } from './audit-log.service';
import { AuditService } from './audit.service';

/** Who did what: every module records its admin actions here (`AuditLogService`); admins read it. */
@Global()
@Module({ controllers: [AuditController], providers: [AuditLogService, AuditService], exports: [AuditLogService] })
export class AuditModule {}
