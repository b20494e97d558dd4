import { Controller, Get, Param, Query } from '@nestjs/common';
import { ServersService } from '../servers/servers.service';
import { HISTORY_SERIES_NAMES, MetricHistoryQuery, toHistoryRequest } from './metrics.dto';
import type { MetricHistoryReply } from '@pharos/protocol';
import { MetricsService } from './metrics.service';

@Controller('api/v1/servers/:id/metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly servers: ServersService,
  ) {}

  /** History of a server's series over a range, at about `points` points (default 500). */
  @Get()
  async history(@Param('id') id: string, @Query() query: MetricHistoryQuery): Promise<MetricHistoryReply> {
    await this.servers.get(id);
    const { series, from, to, points, resolution, entity } = toHistoryRequest(query);
    const history = await this.metrics.history(id, series, from, to, points, resolution, entity);
    return { ...history, available: HISTORY_SERIES_NAMES };
  }
}
