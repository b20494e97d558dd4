import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { PharosConfig } from '../config/pharos-config';
import { AccessTokenService, type AuthenticatedUser } from './access-token.service';

/** passport-jwt: `Authorization: Bearer <access token>` on the admin REST API. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: PharosConfig,
    private readonly accessTokens: AccessTokenService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwtSecret,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(claims: Parameters<AccessTokenService['checkClaims']>[0]): Promise<AuthenticatedUser> {
    return this.accessTokens.checkClaims(claims);
  }
}
