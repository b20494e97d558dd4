import type { Page } from '@pharos/protocol';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { AuthenticatedUser } from '../../identity/access/authenticated-user';
import { CurrentUser } from '../../identity/access/current-user.decorator';
import { RequiresScope } from '../../identity/access/api-token-scope';
import { Roles } from '../../identity/access/roles.decorator';
import { CommandListQuery, DockerCommandDto, RunCommandDto } from './commands.dto';
import { type CommandView, CommandsService } from './commands.service';

/**
 * Shell commands and Docker actions on agent servers. Creating one answers 202 with its state
 * (`sent`, or `pending` while the agent is offline); poll `GET /api/v1/commands/{id}` or watch
 * the server's logs socket for the result.
 */
@Controller()
export class CommandsController {
  constructor(private readonly commands: CommandsService) {}

  @Post('api/v1/servers/:id/commands')
  @Roles('admin')
  @RequiresScope('commands:run')
  @HttpCode(202)
  run(@Param('id') serverId: string, @Body() body: RunCommandDto, @CurrentUser() user: AuthenticatedUser): Promise<CommandView> {
    return this.commands.create(serverId, { kind: 'shell', command: body.command }, user, body.expiresInSeconds);
  }

  @Post('api/v1/servers/:id/docker-commands')
  @Roles('admin')
  @RequiresScope('commands:run')
  @HttpCode(202)
  docker(@Param('id') serverId: string, @Body() body: DockerCommandDto, @CurrentUser() user: AuthenticatedUser): Promise<CommandView> {
    return this.commands.create(serverId, { kind: 'docker', action: body.action, containerId: body.containerId }, user, body.expiresInSeconds);
  }

  @Get('api/v1/servers/:id/commands')
  async list(
    @Param('id') serverId: string,
    @Query() query: CommandListQuery,
  ): Promise<Page<CommandView>> {
    const limit = query.limit ?? 50;
    const offset = query.offset ?? 0;
    return { ...(await this.commands.list(serverId, { ...query, limit, offset })), limit, offset };
  }

  @Get('api/v1/commands/:commandId')
  get(@Param('commandId') id: string): Promise<CommandView> {
    return this.commands.get(id);
  }
}
