import { Module } from '@nestjs/common';
import { CommandsModule } from '../../fleet/commands/commands.module';
import { MetricsModule } from '../../fleet/metrics/metrics.module';
import { ServersModule } from '../../fleet/servers/servers.module';
import { AgentKeysController } from './keys/agent-keys.controller';
import { AgentKeysService } from './keys/agent-keys.service';
import { AgentSessionsModule } from './socket/agent-sessions.module';
import { AgentsGateway } from './socket/agents.gateway';
import { AgentsService } from './socket/agents.service';

/** The agent WebSocket, agent API keys, and what agents report. */
@Module({
  imports: [ServersModule, MetricsModule, AgentSessionsModule, CommandsModule],
  controllers: [AgentKeysController],
  providers: [AgentKeysService, AgentsService, AgentsGateway],
  exports: [AgentKeysService],
})
export class AgentsModule {}
