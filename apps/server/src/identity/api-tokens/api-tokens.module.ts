import { Module } from '@nestjs/common';
import { retentionOf } from '../../platform/retention/retention-job';
import { UsersModule } from '../users/users.module';
import { ApiTokenStore } from './api-token.store';
import { ApiTokensController } from './api-tokens.controller';
import { ApiTokensService } from './api-tokens.service';

/** Personal API tokens: created and revoked by their user; the guard (`identity/auth`) authenticates them. */
@Module({
  imports: [UsersModule],
  controllers: [ApiTokensController],
  providers: [
    ApiTokenStore,
    ApiTokensService,
    retentionOf(ApiTokenStore, { name: 'dead API tokens', days: (r) => r.apiTokenDays, deleteBatch: (store, cutoff, limit) => store.deleteDeadBefore(cutoff, limit) }),
  ],
  exports: [ApiTokensService],
})
export class ApiTokensModule {}
