import { Global, Module } from '@nestjs/common';
import { AuditLogService } from '../../identity/audit/audit-log.service';
import { EventLogService } from '../../fleet/event-log/event-log.service';
import { FleetEventBus, InProcessFleetEventBus } from './fleet-event-bus';

/** The event bus, the subjects' event logs and the audit log, for every module. */
@Global()
@Module({
  providers: [{ provide: FleetEventBus, useClass: InProcessFleetEventBus }, EventLogService, AuditLogService],
  exports: [FleetEventBus, EventLogService, AuditLogService],
})
export class EventsModule {}
