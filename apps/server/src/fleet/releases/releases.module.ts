import { retentionOf } from '../../platform/retention/retention-job';
import { Module } from '@nestjs/common';
import { ReleaseFiles } from './release-files';
import { ReleaseStore } from './release.store';
import { ReleaseUploadBody } from './release-upload-body';
import { ReleasesController } from './releases.controller';
import { ReleasesService } from './releases.service';
import { UpdateOffersService } from './update-offers.service';

/** Ithiltir node releases and their rollout; the nodes module offers them on metrics replies. */
@Module({
  controllers: [ReleasesController],
  providers: [
    ReleaseStore,
    ReleasesService,
    ReleaseFiles,
    UpdateOffersService,
    ReleaseUploadBody,
    retentionOf(ReleaseStore, { name: 'expired upgrade tokens', days: (r) => r.upgradeTokenDays, deleteBatch: (store, cutoff, limit) => store.deleteExpiredTokensBefore(cutoff, limit) }),
  ],
  exports: [ReleasesService, UpdateOffersService],
})
export class ReleasesModule {}
