import { Module } from '@nestjs/common';
import { CommandsModule } from '../../fleet/commands/commands.module';
import { MetricsModule } from '../../fleet/metrics/metrics.module';
import { ServersModule } from '../../fleet/servers/servers.module';
import { TerminalsModule } from '../../fleet/terminals/terminals.module';
import { AgentKeyStore } from './agent-key.store';
import { AgentInstallController } from './install/agent-install.controller';
import { AgentKeysController } from './keys/agent-keys.controller';
import { AgentKeysService } from './keys/agent-keys.service';
import { AgentSessionRegistry } from './socket/agent-sessions';
import { AgentsGateway } from './socket/agents.gateway';
import { AgentsService } from './socket/agents.service';

/** The agent WebSocket (`socket/`), agent API keys (`keys/`), and what agents report. */
@Module({
  imports: [ServersModule, MetricsModule, CommandsModule, TerminalsModule],
  controllers: [AgentKeysController, AgentInstallController],
  providers: [AgentKeyStore, AgentSessionRegistry, AgentKeysService, AgentsService, AgentsGateway],
  exports: [AgentKeysService],
})
export class AgentsModule {}
