import { Inject, Injectable } from '@nestjs/common';
import { DATABASE_CONNECTION, type DatabaseConnection } from '@pharos/database';
import { PrometheusMetrics } from './prometheus-metrics';

/**
 * The PostgreSQL pool's connections as Prometheus sees them: open, idle, and requests waiting
 * for one (a pool at its size with waiters is the first sign of a slow database). Read from the
 * pool at scrape time; nothing for the embedded database, which has no pool.
 */
@Injectable()
export class DatabasePoolGauges {
  constructor(@Inject(DATABASE_CONNECTION) connection: DatabaseConnection, metrics: PrometheusMetrics) {
    const usage = connection.poolUsage;
    if (!usage) return;
    metrics.gauge('pharos_db_pool_connections', 'PostgreSQL pool connections, by state: total (open), idle, waiting (requests queued for one), max (pool size)', ['state'], () => {
      const { total, idle, waiting, max } = usage();
      return [
        [{ state: 'total' }, total],
        [{ state: 'idle' }, idle],
        [{ state: 'waiting' }, waiting],
        [{ state: 'max' }, max],
      ];
    });
  }
}
