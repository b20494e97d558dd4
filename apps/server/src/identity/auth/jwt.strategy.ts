import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { PharosConfig } from '../../platform/config/pharos-config';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { AccessTokenService } from './access-token.service';
import { jwtKey } from './jwt-key';

/** passport-jwt: `Authorization: Bearer <access token>` on the admin REST API. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: PharosConfig,
    private readonly accessTokens: AccessTokenService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands the key to jsonwebtoken's verify, which takes a KeyObject; its types
      // only name strings and Buffers.
      secretOrKey: jwtKey(config) as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  validate(claims: Parameters<AccessTokenService['checkClaims']>[0]): Promise<AuthenticatedUser> {
    return this.accessTokens.checkClaims(claims);
  }
}
