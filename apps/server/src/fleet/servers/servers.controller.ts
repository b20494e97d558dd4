import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { List, LogEntryData, ServerFacets, ServerPage } from '@pharos/protocol';
import type { AuthenticatedUser } from '../../identity/access/authenticated-user';
import { CurrentUser } from '../../identity/access/current-user.decorator';
import { Roles } from '../../identity/access/roles.decorator';
import { AuditLogService } from '../../identity/audit/audit-log.service';
import { EventLogService } from '../event-log/event-log.service';
import { CreateServerDto, EventPageQuery, ServerListQuery, UpdateServerDto } from './servers.dto';
import { ServersService, toServerListItem, type ServerView, toServerView } from './servers.service';

/**
 * The fleet's servers. Servers are created by the capability that reports for them (an agent
 * API key, an Ithiltir node); here they are listed, renamed, grouped, tagged and removed.
 */
@Controller('api/v1/servers')
export class ServersController {
  constructor(
    private readonly servers: ServersService,
    private readonly eventLog: EventLogService,
    private readonly audit: AuditLogService,
  ) {}

  /** A page of the fleet, filtered and sorted (by name unless `sort` says otherwise). */
  @Get()
  async list(@Query() query: ServerListQuery): Promise<ServerPage> {
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    const { items, total, byStatus } = await this.servers.list({ ...query, limit, offset });
    return { items: items.map(toServerListItem), total, limit, offset, byStatus };
  }

  /** A server that an agent will report for (Ithiltir nodes are created under /nodes). */
  @Post()
  @Roles('admin')
  async create(@Body() body: CreateServerDto, @CurrentUser() user: AuthenticatedUser): Promise<ServerView> {
    const server = await this.servers.create({ ...body, source: 'agent' });
    await this.audit.record(user, 'server.create', { type: 'server', id: server.id }, { name: server.name });
    return toServerView(server);
  }

  @Get('facets')
  facets(): Promise<ServerFacets> {
    return this.servers.facets();
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<ServerView> {
    return toServerView(await this.servers.get(id));
  }

  @Patch(':id')
  @Roles('admin')
  async update(@Param('id') id: string, @Body() body: UpdateServerDto, @CurrentUser() user: AuthenticatedUser): Promise<ServerView> {
    const server = await this.servers.update(id, body);
    await this.audit.record(user, 'server.update', { type: 'server', id }, { ...body });
    return toServerView(server);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  delete(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.servers.delete(id, user);
  }

  /** The server's event log, newest first; page with `before` = the last id seen. */
  @Get(':id/events')
  async events(@Param('id') id: string, @Query() query: EventPageQuery): Promise<List<LogEntryData>> {
    await this.servers.get(id);
    const items = await this.eventLog.page(id, { before: query.before ? BigInt(query.before) : undefined, limit: query.limit ?? 100 });
    return { items };
  }
}
