import { retentionOf } from '../../platform/retention/retention-job';
import { Global, Module } from '@nestjs/common';
import { EventLogService } from './event-log.service';
import { EventLogStore } from './event-log.store';

/** The append-only event log of every server, Lightd daemon and container, for every module. */
@Global()
@Module({
  providers: [
    EventLogStore,
    EventLogService,
    retentionOf(EventLogStore, { name: 'event log entries', days: (r) => r.eventLogDays, deleteBatch: (store, cutoff, limit) => store.deleteBefore(cutoff, limit) }),
  ],
  exports: [EventLogService],
})
export class EventLogModule {}
