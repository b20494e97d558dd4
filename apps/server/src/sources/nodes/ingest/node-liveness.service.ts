import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { NODE_DEFAULT_REPORT_INTERVAL_SECONDS } from '@pharos/protocol';
import { ServerPresenceService } from '../../../fleet/servers/server-presence.service';
import { RedisConnection } from '../../../platform/cluster/redis-connection';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { FleetEventBus } from '../../../platform/events/fleet-event-bus';
import { NodeStore } from '../node.store';

const SWEEP_INTERVAL_MS = 1000;

interface Watched {
  lastReportAt: number;
  intervalSeconds: number;
}

/**
 * A node pushes every report interval; one that misses NODE_OFFLINE_MISSED_REPORTS intervals
 * in a row is marked offline (a `node.offline` event). Its next report marks it online again.
 * Nodes online when Pharos starts are watched from their last-seen time.
 */
@Injectable()
export class NodeLivenessService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NodeLivenessService.name);
  private readonly watched = new Map<string, Watched>();
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  private stopForgetting?: () => void;

  constructor(
    private readonly store: NodeStore,
    private readonly presence: ServerPresenceService,
    private readonly bus: FleetEventBus,
    private readonly config: PharosConfig,
    private readonly redis: RedisConnection,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.stopForgetting = this.bus.subscribeAll('server.deleted', (_, serverId) => this.watched.delete(serverId));
    for (const node of await this.store.onlineNodes()) {
      this.watched.set(node.id, {
        lastReportAt: node.lastSeenAt?.getTime() ?? Date.now(),
        intervalSeconds: node.intervalSeconds ?? NODE_DEFAULT_REPORT_INTERVAL_SECONDS,
      });
    }
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    this.stopForgetting?.();
    clearInterval(this.timer);
  }

  /** The node just reported (or posted its Static). */
  reported(serverId: string, intervalSeconds: number | null, at = Date.now()): void {
    this.watched.set(serverId, { lastReportAt: at, intervalSeconds: intervalSeconds ?? NODE_DEFAULT_REPORT_INTERVAL_SECONDS });
  }

  /** Marks offline every node silent for too long as of `now`; returns their ids. */
  async sweep(now = Date.now()): Promise<string[]> {
    if (this.sweeping) return [];
    this.sweeping = true;
    const missed = this.config.nodeOfflineMissedReports;
    const silent: string[] = [];
    try {
      for (const [serverId, node] of this.watched) {
        const silentMs = now - node.lastReportAt;
        if (silentMs <= missed * node.intervalSeconds * 1000) continue;
        if (this.redis.clustered && (await this.reportedElsewhere(serverId, node, now))) continue;
        this.watched.delete(serverId);
        silent.push(serverId);
        try {
          await this.presence.offline(
            serverId,
            `No report for ${Math.round(silentMs / 1000)} s (${missed} report intervals of ${node.intervalSeconds} s missed)`,
            'node.offline',
          );
        } catch (error) {
          this.logger.warn({ err: error, serverId }, 'could not mark node offline');
        }
      }
    } finally {
      this.sweeping = false;
    }
    return silent;
  }

  /**
   * In a cluster a node's reports may reach another instance (the proxy picks one per request):
   * its last-seen time, which every instance writes within PRESENCE_FLUSH_SECONDS, says whether
   * it is silent. True (and watched from then) when it reported there in time.
   */
  private async reportedElsewhere(serverId: string, node: Watched, now: number): Promise<boolean> {
    const seenAt = (await this.store.lastSeenAt(serverId))?.getTime() ?? 0;
    const allowedMs = this.config.nodeOfflineMissedReports * node.intervalSeconds * 1000 + this.config.presenceFlushSeconds * 1000;
    if (seenAt <= node.lastReportAt || now - seenAt > allowedMs) return false;
    node.lastReportAt = seenAt;
    return true;
  }
}
