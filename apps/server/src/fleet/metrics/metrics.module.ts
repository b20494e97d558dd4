import { Module } from '@nestjs/common';
import { ServersModule } from '../servers/servers.module';
import { MetricCompaction } from './blocks/metric-compaction';
import { SampleReader } from './blocks/sample-reader';
import { MetricRetentionService } from './metric-retention.service';
import { MetricRollupsService } from './metric-rollups.service';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { SparklinesController } from './sparklines.controller';
import { SparklinesService } from './sparklines.service';
import { BlockStore } from './store/block-store';
import { MetricStore } from './store/metric-store';
import { PartitionStore } from './store/partition-store';
import { RollupStore } from './store/rollup-store';

/** Every server's metric history and its live fan-out, whichever source reports. */
@Module({
  imports: [ServersModule],
  controllers: [MetricsController, SparklinesController],
  providers: [MetricStore, RollupStore, PartitionStore, BlockStore, MetricCompaction, SampleReader, MetricsService, MetricRollupsService, SparklinesService, MetricRetentionService],
  exports: [MetricsService, MetricRetentionService],
})
export class MetricsModule {}
