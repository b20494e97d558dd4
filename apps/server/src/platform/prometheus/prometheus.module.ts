import { Global, Module } from '@nestjs/common';
import { DatabasePoolGauges } from './database-pool-gauges';
import { PrometheusController } from './prometheus.controller';
import { PrometheusMetrics } from './prometheus-metrics';

/**
 * `GET /metrics` and the registry every module adds its numbers to (`PrometheusMetrics`):
 * global, so the module that owns a number registers it without importing this one.
 */
@Global()
@Module({
  controllers: [PrometheusController],
  providers: [PrometheusMetrics, DatabasePoolGauges],
  exports: [PrometheusMetrics],
})
export class PrometheusModule {}
