import { Module } from '@nestjs/common';
import { NotificationsModule as NotificationRowsModule } from '../../fleet/notifications/notifications.module';
import { ChannelVault } from './channel-vault';
import { ChannelsController } from './channels.controller';
import { ChannelsService } from './channels.service';
import { NotificationDeliveryService } from './notification-delivery.service';

/** Notification channels (by URL, sealed) and the worker that delivers the outbox to them. */
@Module({
  imports: [NotificationRowsModule],
  controllers: [ChannelsController],
  providers: [ChannelVault, ChannelsService, NotificationDeliveryService],
  exports: [NotificationDeliveryService],
})
export class OutboundNotificationsModule {}
