import { Module } from '@nestjs/common';
import { AgentSessionsModule } from '../../sources/agents/socket/agent-sessions.module';
import { ServersModule } from '../servers/servers.module';
import { CommandsController } from './commands.controller';
import { CommandsService } from './commands.service';

/** Shell commands and Docker actions sent to agents, their queue, results and expiry. */
@Module({
  imports: [ServersModule, AgentSessionsModule],
  controllers: [CommandsController],
  providers: [CommandsService],
  exports: [CommandsService],
})
export class CommandsModule {}
