import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '../access/roles.decorator';
import { AuditPageQuery } from './audit.dto';
import { type AuditPage, AuditService } from './audit.service';

/** The audit log: who did what to which target. Admins only: it names users and addresses. */
@Controller('api/v1/audit')
@Roles('admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Newest first; page with `before` = the previous page's `nextBefore`. */
  @Get()
  list(@Query() query: AuditPageQuery): Promise<AuditPage> {
    return this.audit.page({
      before: query.before ? BigInt(query.before) : undefined,
      limit: query.limit ?? 100,
      action: query.action,
      actor: query.actor,
    });
  }
}
