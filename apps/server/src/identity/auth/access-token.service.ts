import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { User, UserRole } from '@pharos/database';
import { PharosConfig } from '../../platform/config/pharos-config';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { UnauthorizedError } from '../../platform/errors/domain-errors';
import { isUuid } from '../../platform/http/uuid';
import { SessionStore } from '../sessions/session.store';


interface AccessClaims {
  sub: string;
  name: string;
  role: UserRole;
  typ: 'access';
  /** The user's `tokenVersion` when the token was issued. */
  ver: number;
  /** The session (refresh-token family) it was issued to: ending the session refuses it. */
  sid: string;
  iat: number;
  exp: number;
}

/**
 * Issues and checks the short-lived JWT access tokens admins send to the REST API (Bearer)
 * and in the first message of the browser WebSockets. A token stops working when its user is
 * disabled, has their password reset, or has their sessions ended by an admin: each bumps the
 * user's `tokenVersion`, which every token carries (`ver`). A version, not a time: JWT times
 * are whole seconds, and a token minted in the same second as a password reset must not
 * survive it. Each token also carries its session (`sid`, the refresh-token family): a session
 * ended on the sessions page refuses its tokens at once, found in the same query as the user.
 * A role change needs no bump: the user, role included, is read on every check
 * (no cache), so any change counts from the next request. A token must expire: one without
 * `exp`, even correctly signed, is refused.
 */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly sessions: SessionStore,
    private readonly config: PharosConfig,
  ) {}

  issue(user: User, sessionId: string): { token: string; expiresIn: number } {
    const claims = { sub: user.id, name: user.username, role: user.role, typ: 'access', ver: user.tokenVersion, sid: sessionId };
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

  /** The user of a token whose signature was verified (REST: passport-jwt; sockets: `verify`). */
  async checkClaims(claims: AccessClaims): Promise<AuthenticatedUser> {
    if (claims.typ !== 'access' || typeof claims.sub !== 'string') throw new UnauthorizedError('invalid access token');
    // jsonwebtoken checks `exp` only when present: a token without one would never expire.
    if (!Number.isFinite(claims.exp) || !Number.isFinite(claims.iat)) throw new UnauthorizedError('invalid access token: it must carry iat and exp');
    if (!Number.isSafeInteger(claims.ver) || typeof claims.sid !== 'string' || !isUuid(claims.sid)) throw new UnauthorizedError('invalid access token: sign in again');
    const found = isUuid(claims.sub) ? await this.sessions.userWithSession(claims.sub, claims.sid) : null;
    const user = found?.user;
    if (!user || user.disabledAt) throw new UnauthorizedError('user no longer exists or is disabled');
    if (claims.ver !== user.tokenVersion) throw new UnauthorizedError('access token revoked: its user\'s password was reset or sessions ended; sign in again');
    if (found.sessionEnded) throw new UnauthorizedError('access token revoked: its session was ended; sign in again');
    return { id: user.id, username: user.username, role: user.role, tokenExpiresAt: claims.exp * 1000, sessionId: claims.sid };
  }
}
