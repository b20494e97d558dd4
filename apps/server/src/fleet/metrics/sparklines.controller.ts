import { Controller, Get, Query } from '@nestjs/common';
import { SparklinesQuery } from './sparklines.dto';
import { type FleetSparklines, SparklinesService } from './sparklines.service';

/** Recent metrics of many servers in one request, for the dashboard's fleet list. */
@Controller('api/v1/metrics')
export class SparklinesController {
  constructor(private readonly sparklines: SparklinesService) {}

  /** The last `minutes` of CPU, memory, disk and network per server, in 30 buckets, and the latest values. */
  @Get('sparklines')
  get(@Query() query: SparklinesQuery): Promise<FleetSparklines> {
    const ids = [...new Set(query.servers.toLowerCase().split(','))];
    return this.sparklines.forServers(ids, query.minutes ?? 15);
  }
}
