import { Module } from '@nestjs/common';
import { AgentSessionRegistry } from './agent-sessions';

/**
 * The agent connections, shared by the agent socket (agents module) and the commands sent
 * through it (commands module) without either importing the other's gateway.
 */
@Module({ providers: [AgentSessionRegistry], exports: [AgentSessionRegistry] })
export class AgentSessionsModule {}
