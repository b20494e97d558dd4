import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { AuthenticatedUser } from '../../../identity/access/authenticated-user';
import { CurrentUser } from '../../../identity/access/current-user.decorator';
import { Roles } from '../../../identity/access/roles.decorator';
import { HISTORY_SERIES_NAMES, MetricHistoryQuery, toHistoryRequest } from '../../../fleet/metrics/metrics.dto';
import type { IssuedNode, MetricHistoryReply, Page } from '@pharos/protocol';
import { MetricsService } from '../../../fleet/metrics/metrics.service';
import { CreateServerDto, ServerListQuery } from '../../../fleet/servers/servers.dto';
import { type IssuedNodeSecret, type NodeDetail, NodesService, type NodeView } from './nodes.service';

/**
 * Ithiltir nodes for admins: create one (its secret and install command are shown once),
 * rotate or revoke its secret, list nodes with their latest values, read one node's static
 * facts and latest report, chart its history. A node is also a server under /servers.
 */
@Controller('api/v1/nodes')
export class NodesController {
  constructor(
    private readonly nodes: NodesService,
    private readonly metrics: MetricsService,
  ) {}

  @Post()
  @Roles('admin')
  create(@Body() body: CreateServerDto, @CurrentUser() user: AuthenticatedUser): Promise<IssuedNode> {
    return this.nodes.create(body, user);
  }

  @Get()
  async list(@Query() query: ServerListQuery): Promise<Page<NodeView>> {
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    const { items, total } = await this.nodes.list({ ...query, limit, offset });
    return { items, total, limit, offset };
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<NodeDetail> {
    return this.nodes.get(id);
  }

  /** History of the node's series, as for any server (`/api/v1/servers/:id/metrics`). */
  @Get(':id/metrics')
  async history(@Param('id') id: string, @Query() query: MetricHistoryQuery): Promise<MetricHistoryReply> {
    await this.nodes.nodeOf(id);
    const { series, from, to, points, resolution } = toHistoryRequest(query);
    return { ...(await this.metrics.history(id, series, from, to, points, resolution)), available: HISTORY_SERIES_NAMES };
  }

  /** A new secret (shown once); the old one stops working at once. */
  @Post(':id/secret')
  @Roles('admin')
  rotateSecret(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<IssuedNodeSecret> {
    return this.nodes.rotateSecret(id, user);
  }

  @Delete(':id/secret')
  @Roles('admin')
  @HttpCode(204)
  revokeSecret(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.nodes.revokeSecret(id, user);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  delete(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.nodes.delete(id, user);
  }
}
