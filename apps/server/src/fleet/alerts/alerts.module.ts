import { retentionOf } from '../../platform/retention/retention-job';
import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { ServersModule } from '../servers/servers.module';
import { AlertRulesService } from './alert-rules.service';
import { AlertSilencesService } from './alert-silences.service';
import { AlertStore } from './alert.store';
import { AlertsController } from './alerts.controller';
import { AlertsService } from './alerts.service';

/** Alert rules, their evaluation on every metrics sample, and the incidents they raise. */
@Module({
  imports: [ServersModule, NotificationsModule],
  controllers: [AlertsController],
  providers: [
    AlertStore,
    AlertRulesService,
    AlertSilencesService,
    AlertsService,
    retentionOf(AlertStore, { name: 'ended alert silences', days: (r) => r.alertIncidentDays, deleteBatch: (store, cutoff, limit) => store.deleteSilencesEndedBefore(cutoff, limit) }),
    retentionOf(AlertStore, { name: 'resolved alert incidents', days: (r) => r.alertIncidentDays, deleteBatch: (store, cutoff, limit) => store.deleteResolvedBefore(cutoff, limit) }),
  ],
  exports: [AlertsService, AlertRulesService],
})
export class AlertsModule {}
