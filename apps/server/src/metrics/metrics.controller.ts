import { Controller, Get, Param, Query } from '@nestjs/common';
import { InvalidInputError } from '../errors/domain-errors';
import { ServersService } from '../servers/servers.service';
import { isMetricSeries, METRIC_SERIES_NAMES, type MetricSeriesName } from './metric-series';
import { MetricHistoryQuery } from './metrics.dto';
import { type MetricHistory, MetricsService } from './metrics.service';

@Controller('api/v1/servers/:id/metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly servers: ServersService,
  ) {}

  /** History of a server's series over a range, at about `points` points (default 500). */
  @Get()
  async history(@Param('id') id: string, @Query() query: MetricHistoryQuery): Promise<MetricHistory & { available: string[] }> {
    await this.servers.get(id);
    const series = (query.series ?? 'cpu_percent,memory_percent').split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = series.find((s) => !isMetricSeries(s));
    if (unknown) throw new InvalidInputError(`unknown series "${unknown}"; known: ${METRIC_SERIES_NAMES.join(', ')}`, 'series');
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 3600_000);
    const history = await this.metrics.history(id, series as MetricSeriesName[], from, to, query.points ?? 500);
    return { ...history, available: METRIC_SERIES_NAMES };
  }
}
