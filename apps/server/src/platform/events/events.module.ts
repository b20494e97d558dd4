import { Global, Module } from '@nestjs/common';
import { FleetEventBus, InProcessFleetEventBus } from './fleet-event-bus';

/** The fleet event bus, for every module: ingest publishes after storing, the rest subscribe. */
@Global()
@Module({
  providers: [{ provide: FleetEventBus, useClass: InProcessFleetEventBus }],
  exports: [FleetEventBus],
})
export class EventsModule {}
