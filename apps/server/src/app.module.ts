import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { DatabaseModule } from '@pharos/database';
import { AgentsModule } from './agents/agents.module';
import { AlertsModule } from './alerts/alerts.module';
import { AuthModule } from './auth/auth.module';
import { CommandsModule } from './commands/commands.module';
import { ConfigModule } from './config/config.module';
import { PharosConfig } from './config/pharos-config';
import { HttpErrorFilter } from './errors/http-error.filter';
import { createValidationPipe } from './errors/validation';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { LightdModule } from './lightd/lightd.module';
import { LiveModule } from './live/live.module';
import { MetricsModule } from './metrics/metrics.module';
import { NodesModule } from './nodes/nodes.module';
import { ReleasesModule } from './releases/releases.module';
import { ServersModule } from './servers/servers.module';
import { FirstAdminModule, UsersModule } from './users/users.module';

/**
 * The Pharos server. Each capability is one module (one folder); add a new one to `imports`.
 */
@Module({})
export class AppModule {
  static forRoot(config: PharosConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRootAsync({
          inject: [PharosConfig],
          useFactory: (c: PharosConfig) => ({ target: c.database, migrateOnStart: c.migrateOnStart }),
        }),
        EventsModule,
        HealthModule,
        AuthModule,
        UsersModule,
        FirstAdminModule,
        ServersModule,
        MetricsModule,
        LightdModule,
        AgentsModule,
        CommandsModule,
        AlertsModule,
        LiveModule,
        ReleasesModule,
        NodesModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
