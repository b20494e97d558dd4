import { Module } from '@nestjs/common';
import { ServerPresenceService } from './server-presence.service';
import { ServersController } from './servers.controller';
import { ServersService } from './servers.service';

@Module({
  controllers: [ServersController],
  providers: [ServersService, ServerPresenceService],
  exports: [ServersService, ServerPresenceService],
})
export class ServersModule {}
