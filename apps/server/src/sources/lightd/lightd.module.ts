import { Module } from '@nestjs/common';
import { AuthModule } from '../../identity/auth/auth.module';
import { retentionOf } from '../../platform/retention/retention-job';
import { MetricsModule } from '../../fleet/metrics/metrics.module';
import { ServersModule } from '../../fleet/servers/servers.module';
import { ContainerConsoleHub } from './console/container-console-hub';
import { ContainerConsoleGateway } from './console/container-console.gateway';
import { LightdContainersController } from './containers/lightd-containers.controller';
import { LightdContainersService } from './containers/lightd-containers.service';
import { DaemonApiTokenVault } from './daemons/daemon-api-token-vault';
import { LightdApiClient } from './daemons/lightd-api-client';
import { LightdDaemonsController } from './daemons/lightd-daemons.controller';
import { LightdDaemonsService } from './daemons/lightd-daemons.service';
import { ContainerStatusChecker } from './remote/container-status-checker';
import { DaemonLiveness } from './remote/daemon-liveness.service';
import { DaemonTokenDirectory } from './remote/daemon-token-directory';
import { LightdRemoteTokenGuard } from './remote/lightd-remote-token.guard';
import { LightdRemoteController } from './remote/lightd-remote.controller';
import { LightdRemoteService } from './remote/lightd-remote.service';
import { LightdUpdateBatchWriter } from './remote/lightd-update-batch';
import { ContainerStore } from './store/container.store';
import { DaemonStore } from './store/daemon.store';
import { UpdateBatchStore } from './store/update-batch.store';
import { ContainerUsageSampler } from './usage/container-usage-sampler';

/**
 * Lightd: Pharos as the remote daemons report to (`remote/`), the admin API of daemons and
 * their containers (`daemons/`, `containers/`), the container console proxy (`console/`), and
 * the containers' usage history (`usage/`); their SQL is in `store/`.
 */
@Module({
  imports: [AuthModule, ServersModule, MetricsModule],
  controllers: [LightdRemoteController, LightdDaemonsController, LightdContainersController],
  providers: [
    DaemonStore,
    ContainerStore,
    UpdateBatchStore,
    DaemonTokenDirectory,
    LightdRemoteTokenGuard,
    DaemonLiveness,
    LightdRemoteService,
    LightdUpdateBatchWriter,
    ContainerStatusChecker,
    DaemonApiTokenVault,
    LightdApiClient,
    LightdDaemonsService,
    LightdContainersService,
    ContainerConsoleHub,
    ContainerConsoleGateway,
    ContainerUsageSampler,
    retentionOf(ContainerStore, { name: 'Lightd updates', days: (r) => r.lightdUpdateDays, deleteBatch: (store, cutoff, limit) => store.deleteUpdatesBefore(cutoff, limit) }),
  ],
})
export class LightdModule {}
