import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { SignInChallenges } from './sign-in-challenges';
import { TwoFactorService } from './two-factor.service';
import { TwoFactorStore } from './two-factor.store';
import { UsersTwoFactorController } from './users-two-factor.controller';

/**
 * Two-factor sign-in: the TOTP secrets and recovery codes, and the admins' routes. The routes
 * that take codes (the second sign-in step, the account page) need the login throttle and the
 * session issuing of the auth module, which imports this one and serves them
 * (`two-factor-login.controller.ts`, `account-two-factor.controller.ts`).
 */
@Module({
  imports: [UsersModule],
  controllers: [UsersTwoFactorController],
  providers: [TwoFactorStore, TwoFactorService, SignInChallenges],
  exports: [TwoFactorService, SignInChallenges],
})
export class TwoFactorModule {}
