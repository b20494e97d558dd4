import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { User, UserRole } from '@pharos/database';
import { PharosConfig } from '../../platform/config/pharos-config';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { UnauthorizedError } from '../../platform/errors/domain-errors';
import { UsersService } from '../users/users.service';


interface AccessClaims {
  sub: string;
  name: string;
  role: UserRole;
  typ: 'access';
  iat: number;
  exp: number;
}

/**
 * Issues and checks the short-lived JWT access tokens admins send to the REST API (Bearer)
 * and in the first message of the browser WebSockets. A token stops working when its user is
 * disabled, changes password, or has their sessions ended by an admin. The user is read on
 * every check (no cache), so such a change counts from the next request.
 */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly config: PharosConfig,
  ) {}

  issue(user: User): { token: string; expiresIn: number } {
    const claims = { sub: user.id, name: user.username, role: user.role, typ: 'access' };
    const token = this.jwt.sign(claims, { expiresIn: this.config.accessTokenTtlSeconds, algorithm: 'HS256' });
    return { token, expiresIn: this.config.accessTokenTtlSeconds };
  }

  /** The user of a token, or `UnauthorizedError` saying why not. */
  async verify(token: string): Promise<AuthenticatedUser> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token, { algorithms: ['HS256'] });
    } catch (error) {
      const expired = (error as Error).name === 'TokenExpiredError';
      throw new UnauthorizedError(expired ? 'access token expired' : 'invalid access token');
    }
    return this.checkClaims(claims);
  }

  async checkClaims(claims: AccessClaims): Promise<AuthenticatedUser> {
    if (claims.typ !== 'access' || typeof claims.sub !== 'string') throw new UnauthorizedError('invalid access token');
    const user = await this.users.findById(claims.sub);
    if (!user || user.disabledAt) throw new UnauthorizedError('user no longer exists or is disabled');
    if (issuedBefore(claims, user.passwordChangedAt)) throw new UnauthorizedError('access token predates a password change');
    if (user.sessionsEndedAt && issuedBefore(claims, user.sessionsEndedAt)) throw new UnauthorizedError('access token predates the end of its sessions');
    return { id: user.id, username: user.username, role: user.role, tokenExpiresAt: claims.exp * 1000 };
  }
}

/** JWT times are in whole seconds; a token minted in the same second as the change still counts. */
function issuedBefore(claims: AccessClaims, moment: Date): boolean {
  return claims.iat * 1000 < Math.floor(moment.getTime() / 1000) * 1000;
}
