import { type DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@pharos/database';
import { ConfigModule } from './config/config.module';
import { PharosConfig } from './config/pharos-config';
import { Transactions } from './database/transactions';
import { ClusterModule } from './cluster/cluster.module';
import { RetentionJob } from './retention/retention-job';

/**
 * The ground floor every Pharos process stands on (the server and the command line): the
 * configuration, the database (opened and migrated as configured, and the `Transactions` that
 * span stores), the event bus and the cluster (`REDIS_URL`: job leases, shared limits), and the retention job every growing table contributes to.
 */
@Module({})
export class PlatformModule {
  static forRoot(config: PharosConfig): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      providers: [Transactions, RetentionJob],
      exports: [Transactions, RetentionJob],
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRootAsync({
          inject: [PharosConfig],
          useFactory: (c: PharosConfig) => ({ target: c.database, migrateOnStart: c.migrateOnStart }),
        }),
        ClusterModule,
      ],
    };
  }
}
