import { Module } from '@nestjs/common';
import { ServersModule } from '../servers/servers.module';
import { MetricRetentionService } from './metric-retention.service';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** Every server's metric history and its live fan-out, whichever source reports. */
@Module({
  imports: [ServersModule],
  controllers: [MetricsController],
  providers: [MetricsService, MetricRetentionService],
  exports: [MetricsService, MetricRetentionService],
})
export class MetricsModule {}
