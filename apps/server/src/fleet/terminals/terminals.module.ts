import { Module } from '@nestjs/common';
import { ServersModule } from '../servers/servers.module';
import { TerminalRelayService } from './terminal-relay.service';

/**
 * Admins' terminals on servers' hosts, relayed between a browser socket (`outbound/live`) and
 * the server's agent (`sources/agents`), which hands its connections over (`terminal-link.ts`).
 */
@Module({
  imports: [ServersModule],
  providers: [TerminalRelayService],
  exports: [TerminalRelayService],
})
export class TerminalsModule {}
