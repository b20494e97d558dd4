import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AlertChannel } from '@pharos/database';
import { randomUUID } from 'node:crypto';
import { type LeasedNotification, NotificationStore } from '../../fleet/notifications/notification.store';
import { PharosConfig } from '../../platform/config/pharos-config';
import { type PeriodicTask, startPeriodic } from '../../platform/runtime/periodic-task';
import { ChannelsService } from './channels.service';
import { composeMessage, retryDelayMs } from './notification-text';

/** Rows one lease takes at most. */
const LEASE_BATCH = 200;

/**
 * The outbox's delivery worker. Every poll it leases the due rows (`FOR UPDATE SKIP LOCKED`,
 * held for `NOTIFY_LEASE_SECONDS`: rows of an instance that died mid-send are taken again
 * after it), sends each channel ONE message for all its rows (grouping), records an attempt
 * per row, and marks them sent — or due again after an exponential backoff, until their
 * give-up time, then `failed`. Every row carries its idempotency key to the receiver.
 */
@Injectable()
export class NotificationDeliveryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NotificationDeliveryService.name);
  /** This instance's name on the leases it holds. */
  private readonly owner = `pharos-${randomUUID()}`;
  private task?: PeriodicTask;

  constructor(
    private readonly store: NotificationStore,
    private readonly channels: ChannelsService,
    private readonly config: PharosConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task = startPeriodic(this.config.notifications.pollMs, () => this.deliverDue(), (error) => this.logger.error({ err: error }, 'notification delivery failed'));
  }

  async onModuleDestroy(): Promise<void> {
    await this.task?.stop();
  }

  /** Delivers what is due now; returns how many rows it leased. */
  async deliverDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.store.lease(this.owner, this.config.notifications.leaseSeconds * 1000, LEASE_BATCH);
      total += rows.length;
      const byChannel = new Map<string, LeasedNotification[]>();
      for (const row of rows) byChannel.set(row.channelId, [...(byChannel.get(row.channelId) ?? []), row]);
      const channels = new Map((await this.store.channelsByIds([...byChannel.keys()])).map((c) => [c.id, c]));
      await Promise.all([...byChannel].map(([id, batch]) => this.deliver(channels.get(id), id, batch)));
      if (rows.length < LEASE_BATCH) return total;
    }
  }

  private async deliver(channel: AlertChannel | undefined, channelId: string, rows: LeasedNotification[]): Promise<void> {
    const ids = rows.map((r) => r.id);
    const result = channel?.enabled ? await this.channels.send(channel, composeMessage(rows)) : { ok: false, error: 'the channel is disabled' };
    const now = new Date();
    await this.store.recordAttempts(rows.map((r) => ({ notificationId: r.id, channelId, ok: result.ok, statusCode: result.statusCode ?? null, error: result.ok ? null : (result.error ?? 'failed') })));
    if (channel) await this.store.recordChannelResult(channelId, now, result.ok, result.ok ? null : (result.error ?? 'failed'));
    if (result.ok) {
      await this.store.markSent(ids, this.owner, now);
      return;
    }
    const { retryBaseMs, retryMaxMs } = this.config.notifications;
    // Rows of one message may have been tried a different number of times: each backs off by its own count.
    const byNext = new Map<number | null, string[]>();
    for (const row of rows) {
      const next = now.getTime() + retryDelayMs(row.attempts, retryBaseMs, retryMaxMs);
      const at = !channel?.enabled || next > new Date(row.giveUpAt).getTime() ? null : next;
      byNext.set(at, [...(byNext.get(at) ?? []), row.id]);
    }
    for (const [at, group] of byNext) await this.store.markFailed(group, this.owner, at === null ? null : new Date(at), result.error ?? 'failed');
    this.logger.warn({ channelId, rows: rows.length, error: result.error }, 'a notification was not delivered');
  }
}
