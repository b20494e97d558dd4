import { Module } from '@nestjs/common';
import { AlertsModule } from '../../fleet/alerts/alerts.module';
import { ServersModule } from '../../fleet/servers/servers.module';
import { TerminalsModule } from '../../fleet/terminals/terminals.module';
import { AuthModule } from '../../identity/auth/auth.module';
import { LiveSocketsService } from './live-sockets.service';
import { LiveSubjectsService } from './live-subjects.service';
import { LogsLiveGateway } from './logs-live.gateway';
import { MetricsLiveGateway } from './metrics-live.gateway';
import { TerminalLiveGateway } from './terminal-live.gateway';

/** The browsers' live sockets: a server's metrics and alerts, any subject's event stream, and admins' terminals. */
@Module({
  imports: [AuthModule, AlertsModule, ServersModule, TerminalsModule],
  providers: [LiveSocketsService, LiveSubjectsService, MetricsLiveGateway, LogsLiveGateway, TerminalLiveGateway],
})
export class LiveModule {}
