import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AgentsModule } from './sources/agents/agents.module';
import { AlertsModule } from './fleet/alerts/alerts.module';
import { AuditModule } from './identity/audit/audit.module';
import { AuthModule } from './identity/auth/auth.module';
import { CommandsModule } from './fleet/commands/commands.module';
import type { PharosConfig } from './platform/config/pharos-config';
import { HttpErrorFilter } from './platform/errors/http-error.filter';
import { createValidationPipe } from './platform/errors/validation';
import { PlatformModule } from './platform/platform.module';
import { EventLogModule } from './fleet/event-log/event-log.module';
import { HealthModule } from './platform/health/health.module';
import { LightdModule } from './sources/lightd/lightd.module';
import { LiveModule } from './outbound/live/live.module';
import { OutboundNotificationsModule } from './outbound/notifications/notifications.module';
import { OpenApiModule } from './platform/openapi/openapi.module';
import { MetricsModule } from './fleet/metrics/metrics.module';
import { NodesModule } from './sources/nodes/nodes.module';
import { ReleasesModule } from './fleet/releases/releases.module';
import { ServersModule } from './fleet/servers/servers.module';
import { FirstAdminModule, UsersModule } from './identity/users/users.module';
import { SsoModule } from './identity/sso/sso.module';

/**
 * The Pharos server. Each capability is one module (one folder); add a new one to `imports`.
 */
@Module({})
export class AppModule {
  static forRoot(config: PharosConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config),
        EventLogModule,
        AuditModule,
        HealthModule,
        AuthModule,
        UsersModule,
        FirstAdminModule,
        SsoModule,
        ServersModule,
        MetricsModule,
        LightdModule,
        AgentsModule,
        CommandsModule,
        AlertsModule,
        LiveModule,
        OutboundNotificationsModule,
        ReleasesModule,
        NodesModule,
        OpenApiModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
