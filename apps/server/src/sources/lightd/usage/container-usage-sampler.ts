import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { FleetEventBus } from '../../../platform/events/fleet-event-bus';
import { JobLeases } from '../../../platform/cluster/job-leases';
import type { PeriodicTask } from '../../../platform/runtime/periodic-task';
import { MetricsService } from '../../../fleet/metrics/metrics.service';
import { ServerPresenceService } from '../../../fleet/servers/server-presence.service';
import { ContainerStore } from '../store/container.store';
import { DaemonStore } from '../store/daemon.store';
import { recentUsageSince, usageSamples } from './usage-sample';

/**
 * Writes each Lightd daemon's usage history: every `LIGHTD_USAGE_SAMPLE_SECONDS`, one sample
 * per daemon server of the latest billing gauges of its running containers (`usageSamples`),
 * into the history and rollups every metric goes to (not published live: it is not a host's
 * sample, and alert rules on host series must not see it). Lightd
 * sends a gauge per container about every second, each a rolling one-hour mean: the history
 * samples them, it never adds them up.
 *
 * It also keeps each daemon's server online or offline as the daemon is (its health checks
 * and updates decide that, `DaemonLiveness`), so the fleet lists it truthfully.
 */
@Injectable()
export class ContainerUsageSampler implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ContainerUsageSampler.name);
  private task?: PeriodicTask;
  private stopOffline?: () => void;

  constructor(
    private readonly containers: ContainerStore,
    private readonly daemons: DaemonStore,
    private readonly metrics: MetricsService,
    private readonly presence: ServerPresenceService,
    private readonly bus: FleetEventBus,
    private readonly config: PharosConfig,
    private readonly jobs: JobLeases,
  ) {}

  onModuleInit(): void {
    this.task = this.jobs.every('lightd-usage-sampler', this.config.lightd.usageSampleSeconds * 1000, () => this.sample(), (error) => this.logger.error({ err: error }, 'could not sample Lightd usage'));
    this.stopOffline = this.bus.subscribeAll('daemon.offline', (_, daemonId) => void this.daemonOffline(daemonId));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopOffline?.();
    await this.task?.stop();
  }

  /** One pass as of `now`: the usage samples, and the daemons' servers marked as their daemons are. */
  async sample(now = new Date()): Promise<void> {
    const rows = await this.containers.recentUsage(recentUsageSince(this.config, now.getTime()));
    const samples = usageSamples(rows, now);
    if (samples.length > 0) await this.metrics.recordHistory(samples);
    for (const daemon of await this.daemons.list()) {
      if (daemon.status === 'online') await this.presence.seen(daemon.serverId, daemon.lastSeenAt ?? now, { kind: 'daemon.online', message: `Lightd daemon ${daemon.name} is online` });
      else if (daemon.status === 'offline') await this.presence.offline(daemon.serverId, `Lightd daemon ${daemon.name} is offline`, 'daemon.offline');
    }
  }

  private async daemonOffline(daemonId: string): Promise<void> {
    try {
      const daemon = await this.daemons.find(daemonId);
      if (daemon) await this.presence.offline(daemon.serverId, `Lightd daemon ${daemon.name} is offline`, 'daemon.offline');
    } catch (error) {
      this.logger.warn({ err: error, daemon: daemonId }, 'could not mark a Lightd daemon\'s server offline');
    }
  }
}
