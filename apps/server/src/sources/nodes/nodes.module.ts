import { Module } from '@nestjs/common';
import { MetricsModule } from '../../fleet/metrics/metrics.module';
import { ReleasesModule } from '../../fleet/releases/releases.module';
import { ServersModule } from '../../fleet/servers/servers.module';
import { NodeDownloadController } from './ingest/node-download.controller';
import { NodeDownloadGuard } from './ingest/node-download.guard';
import { NodeLivenessService } from './ingest/node-liveness.service';
import { NodeProtocolController } from './ingest/node-protocol.controller';
import { NodeReportsService } from './ingest/node-reports.service';
import { NodeSecretGuard } from './ingest/node-secret.guard';
import { NodeSecretsService } from './ingest/node-secrets.service';
import { NodesController } from './admin/nodes.controller';
import { NodesService } from './admin/nodes.service';
import { NodeInstallController } from './install/node-install.controller';
import { NodeStore } from './node.store';

/**
 * Ithiltir nodes: Pharos as the Dash they push to (`ingest/`: /api/node/*, /deploy), the
 * install scripts (`install/`: /deploy/{linux,macos,windows}/install.*), and their admin API
 * (`admin/`).
 */
@Module({
  imports: [ServersModule, MetricsModule, ReleasesModule],
  controllers: [NodeProtocolController, NodeDownloadController, NodeInstallController, NodesController],
  providers: [NodeStore, NodeSecretsService, NodeSecretGuard, NodeDownloadGuard, NodeReportsService, NodeLivenessService, NodesService],
})
export class NodesModule {}
