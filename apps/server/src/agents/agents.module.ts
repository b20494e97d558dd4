import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ServersModule } from '../servers/servers.module';
import { AgentKeysController } from './agent-keys.controller';
import { AgentKeysService } from './agent-keys.service';
import { AgentSessionsModule } from './agent-sessions.module';
import { AgentsGateway } from './agents.gateway';
import { AgentsService } from './agents.service';

/** The agent WebSocket, agent API keys, and what agents report. */
@Module({
  imports: [ServersModule, MetricsModule, AgentSessionsModule, CommandsModule],
  controllers: [AgentKeysController],
  providers: [AgentKeysService, AgentsService, AgentsGateway],
  exports: [AgentKeysService],
})
export class AgentsModule {}
