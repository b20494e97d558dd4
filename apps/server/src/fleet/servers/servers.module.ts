import { Module } from '@nestjs/common';
import { ServerPresenceService } from './server-presence.service';
import { ServerStore } from './server.store';
import { ServersController } from './servers.controller';
import { ServersService } from './servers.service';

/** The fleet's servers (whatever reports for them) and whether each is online. */
@Module({
  controllers: [ServersController],
  providers: [ServerStore, ServersService, ServerPresenceService],
  exports: [ServersService, ServerPresenceService],
})
export class ServersModule {}
