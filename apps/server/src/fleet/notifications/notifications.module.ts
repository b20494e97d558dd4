import { Module } from '@nestjs/common';
import { retentionOf } from '../../platform/retention/retention-job';
import { NotificationOutbox } from './notification-outbox';
import { NotificationStore } from './notification.store';

/** The notification channels' rows, the outbox alerting writes to, and the delivery attempts. */
@Module({
  providers: [
    NotificationStore,
    NotificationOutbox,
    retentionOf(NotificationStore, {
      name: 'delivered alert notifications',
      days: (r) => r.alertNotificationDays,
      deleteBatch: (store, cutoff, limit) => store.deleteFinishedBefore(cutoff, limit),
    }),
    retentionOf(NotificationStore, {
      name: 'alert delivery attempts',
      days: (r) => r.alertNotificationDays,
      deleteBatch: (store, cutoff, limit) => store.deleteAttemptsBefore(cutoff, limit),
    }),
  ],
  exports: [NotificationStore, NotificationOutbox],
})
export class NotificationsModule {}
