import { Injectable } from '@nestjs/common';
import { PharosConfig } from '../../platform/config/pharos-config';
import { PrometheusMetrics } from '../../platform/prometheus/prometheus-metrics';
import type { DbTransaction } from '../../platform/database/transactions';
import { type NotificationToQueue, NotificationStore } from './notification.store';

/**
 * Where alerting puts what must be told: rows of the outbox, written in the caller's
 * transaction (the incident change and its notifications commit together, or neither), each
 * with an idempotency key. Delivery is outbound/notifications' worker's business.
 */
@Injectable()
export class NotificationOutbox {
  constructor(
    private readonly store: NotificationStore,
    private readonly config: PharosConfig,
    prometheus: PrometheusMetrics,
  ) {
    prometheus.gauge('pharos_notification_outbox_pending', 'Notifications in the outbox not yet delivered or given up', [], async () => [[{}, await this.store.pendingTotal()]]);
  }

  /** Rows queued for the channels (empty: the default channels); due after the grouping pause. */
  queue(items: NotificationToQueue[], channelIds: string[], tx: DbTransaction, now = new Date()): Promise<number> {
    const { groupMs, giveUpSeconds } = this.config.notifications;
    return this.store.enqueue(items, channelIds, new Date(now.getTime() + groupMs), new Date(now.getTime() + giveUpSeconds * 1000), tx);
  }
}
