import { Global, Module } from '@nestjs/common';
import { EventLogService } from './event-log.service';

/** The append-only event log of every server, Lightd daemon and container, for every module. */
@Global()
@Module({ providers: [EventLogService], exports: [EventLogService] })
export class EventLogModule {}
