import { Module } from '@nestjs/common';
import { AlertsModule } from '../../fleet/alerts/alerts.module';
import { ServersModule } from '../../fleet/servers/servers.module';
import { AuthModule } from '../../identity/auth/auth.module';
import { LiveSocketsService } from './live-sockets.service';
import { LiveSubjectsService } from './live-subjects.service';
import { LogsLiveGateway } from './logs-live.gateway';
import { MetricsLiveGateway } from './metrics-live.gateway';

/** The browsers' live sockets: a server's metrics and alerts, and any subject's event stream. */
@Module({
  imports: [AuthModule, AlertsModule, ServersModule],
  providers: [LiveSocketsService, LiveSubjectsService, MetricsLiveGateway, LogsLiveGateway],
})
export class LiveModule {}
