import { Controller, Delete, Get, Param, Post } from '@nestjs/common';
import type { AgentKeyView, IssuedAgentKey, List } from '@pharos/protocol';
import type { AuthenticatedUser } from '../../../identity/access/authenticated-user';
import { CurrentUser } from '../../../identity/access/current-user.decorator';
import { Roles } from '../../../identity/access/roles.decorator';
import { AgentKeysService } from './agent-keys.service';

/**
 * API keys of an agent server. The key itself is in the answer to POST only; lists show its
 * prefix, when it was last used and whether it is revoked.
 */
@Controller('api/v1/servers/:id/agent-keys')
@Roles('admin')
export class AgentKeysController {
  constructor(private readonly keys: AgentKeysService) {}

  @Post()
  issue(@Param('id') serverId: string, @CurrentUser() user: AuthenticatedUser): Promise<IssuedAgentKey> {
    return this.keys.issue(serverId, user);
  }

  @Get()
  async list(@Param('id') serverId: string): Promise<List<AgentKeyView>> {
    return { items: await this.keys.list(serverId) };
  }

  /** Revokes the key (kept, for the record) and disconnects the agent using it. */
  @Delete(':keyId')
  revoke(@Param('id') serverId: string, @Param('keyId') keyId: string, @CurrentUser() user: AuthenticatedUser): Promise<AgentKeyView> {
    return this.keys.revoke(serverId, keyId, user);
  }
}
