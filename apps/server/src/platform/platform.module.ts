import { type DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@pharos/database';
import { ConfigModule } from './config/config.module';
import { PharosConfig } from './config/pharos-config';
import { DatabaseOutage } from './database/database-outage';
import { Transactions } from './database/transactions';
import { ClusterModule } from './cluster/cluster.module';
import { PrometheusModule } from './prometheus/prometheus.module';
import { RetentionJob } from './retention/retention-job';

/**
 * The ground floor every Pharos process stands on (the server and the command line): the
 * configuration, the database (opened and migrated as configured, the `Transactions` that
 * span stores, and the `DatabaseOutage` that logs an outage once, not once per request), the
 * event bus and the cluster (`REDIS_URL`: job leases, shared limits), and the retention job
 * every growing table contributes to, and the Prometheus registry modules add their numbers to.
 */
@Module({})
export class PlatformModule {
  static forRoot(config: PharosConfig): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      providers: [Transactions, RetentionJob, DatabaseOutage],
      exports: [Transactions, RetentionJob, DatabaseOutage],
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRootAsync({
          inject: [PharosConfig],
          useFactory: (c: PharosConfig) => ({ target: c.database, migrateOnStart: c.migrateOnStart, timeouts: c.databaseTimeouts }),
        }),
        ClusterModule,
        PrometheusModule,
      ],
    };
  }
}
