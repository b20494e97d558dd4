import { retentionOf } from '../../platform/retention/retention-job';
import { Module } from '@nestjs/common';
import { ServersModule } from '../servers/servers.module';
import { CommandStore } from './command.store';
import { CommandsController } from './commands.controller';
import { CommandsService } from './commands.service';

/**
 * Shell commands and Docker actions sent to agents, their queue, results and expiry. They reach
 * agents through the `AgentLink` the agent socket hands over (`agent-link.ts`).
 */
@Module({
  imports: [ServersModule],
  controllers: [CommandsController],
  providers: [
    CommandStore,
    CommandsService,
    retentionOf(CommandStore, { name: 'finished commands', days: (r) => r.commandDays, deleteBatch: (store, cutoff, limit) => store.deleteFinishedBefore(cutoff, limit) }),
  ],
  exports: [CommandsService],
})
export class CommandsModule {}
