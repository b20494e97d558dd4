import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { PharosConfig } from '../../platform/config/pharos-config';
import { ApiTokensModule } from '../api-tokens/api-tokens.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersModule } from '../users/users.module';
import { AccountTwoFactorController } from '../two-factor/account-two-factor.controller';
import { TwoFactorLoginController } from '../two-factor/two-factor-login.controller';
import { TwoFactorModule } from '../two-factor/two-factor.module';
import { TwoFactorSignIn } from '../two-factor/two-factor-sign-in';
import { AccessTokenService } from './access-token.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { BrowserSocketAuthenticator } from './browser-socket-auth';
import { JwtAuthGuard } from './jwt-auth.guard';
import { jwtKey } from './jwt-key';
import { JwtStrategy } from './jwt.strategy';
import { LoginThrottle } from './login-throttle';

/**
 * Admin sign-in: passwords, access and refresh tokens, the guard every HTTP route passes (which
 * also takes personal API tokens), and the authentication of browser WebSockets.
 */
@Module({
  imports: [
    UsersModule,
    SessionsModule,
    ApiTokensModule,
    TwoFactorModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [PharosConfig],
      useFactory: (config: PharosConfig) => ({ secret: jwtKey(config), signOptions: { algorithm: 'HS256' } }),
    }),
  ],
  controllers: [AuthController, TwoFactorLoginController, AccountTwoFactorController],
  providers: [
    AuthService,
    AccessTokenService,
    JwtStrategy,
    LoginThrottle,
    TwoFactorSignIn,
    BrowserSocketAuthenticator,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
  exports: [AuthService, AccessTokenService, BrowserSocketAuthenticator],
})
export class AuthModule {}
