import { Module } from '@nestjs/common';
import { MetricsModule } from '../metrics/metrics.module';
import { ReleasesModule } from '../releases/releases.module';
import { ServersModule } from '../servers/servers.module';
import { NodeLivenessService } from './node-liveness.service';
import { NodeProtocolController } from './node-protocol.controller';
import { NodeReportsService } from './node-reports.service';
import { NodeSecretGuard } from './node-secret.guard';
import { NodeSecretsService } from './node-secrets.service';
import { NodesController } from './nodes.controller';
import { NodesService } from './nodes.service';

/** Ithiltir nodes: Pharos as the Dash they push to (/api/node/*, /deploy), and their admin API. */
@Module({
  imports: [ServersModule, MetricsModule, ReleasesModule],
  controllers: [NodeProtocolController, NodesController],
  providers: [NodeSecretsService, NodeSecretGuard, NodeReportsService, NodeLivenessService, NodesService],
})
export class NodesModule {}
