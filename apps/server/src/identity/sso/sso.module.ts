import { Module } from '@nestjs/common';
import { PharosConfig } from '../../platform/config/pharos-config';
import { retentionOf } from '../../platform/retention/retention-job';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { OidcClient } from './oidc-client';
import { SsoController } from './sso.controller';
import { SsoLinksController } from './sso-links.controller';
import { SsoLinksService } from './sso-links.service';
import { SsoSignInService } from './sso-sign-in.service';
import { SsoStore } from './sso.store';

/** Single sign-on with an OpenID Connect provider (when configured: `OIDC_ISSUER`). */
@Module({
  imports: [AuthModule, UsersModule],
  controllers: [SsoController, SsoLinksController],
  providers: [
    SsoStore,
    SsoSignInService,
    SsoLinksService,
    { provide: OidcClient, inject: [PharosConfig], useFactory: (config: PharosConfig) => (config.oidc ? new OidcClient(config.oidc, config.publicUrl) : null) },
    // An attempt is dead once expired: it goes at the next pass (0 days kept).
    retentionOf(SsoStore, { name: 'expired SSO sign-in attempts', days: () => 0, deleteBatch: (store, cutoff, limit) => store.deleteExpiredAttemptsBefore(cutoff, limit) }),
  ],
})
export class SsoModule {}
