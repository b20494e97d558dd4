import { Injectable } from '@nestjs/common';
import type { User } from '@pharos/database';
import { cutText, type SessionTokens, type TwoFactorChallenge } from '@pharos/protocol';
import { randomUUID } from 'node:crypto';
import { PharosConfig } from '../../platform/config/pharos-config';
import { UnauthorizedError } from '../../platform/errors/domain-errors';
import { UNKNOWN_USER_HASH, verifyPassword } from '../users/password-hasher';
import { toUserView, UsersService } from '../users/users.service';
import { generateSecret, hashSecret } from '../../platform/secrets/secret-token';
import { AccessTokenService } from './access-token.service';
import { LoginThrottle } from './login-throttle';
import { AuditLogService } from '../audit/audit-log.service';
import { SignInChallenges } from '../two-factor/sign-in-challenges';
import { TwoFactorService } from '../two-factor/two-factor.service';

/** A new session's tokens, the refresh token included (`SessionTokens` as the body carries it). */
export type TokenPair = SessionTokens & { refreshToken: string };

/** How a sign-in proved who it is (audited as `auth.sign_in`). */
export type SignInMethod = 'password' | 'password+totp' | 'password+recovery code' | 'oidc';

/**
 * Password login and refresh-token rotation. A refresh token is used once: each use revokes it
 * and issues its successor in the same family; presenting a used token again revokes the whole
 * family (it was stolen, or replayed).
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokenService,
    private readonly throttle: LoginThrottle,
    private readonly config: PharosConfig,
    private readonly twoFactor: TwoFactorService,
    private readonly challenges: SignInChallenges,
    private readonly audit: AuditLogService,
  ) {}

  /** A session, or the challenge of a second step (`identity/two-factor`) when the user has or must have one. */
  async login(username: string, password: string, ip: string, userAgent?: string): Promise<TokenPair | TwoFactorChallenge> {
    await this.throttle.allow(ip, username);
    const user = await this.users.findByUsername(username);
    // Hash even for unknown users so the answer time does not reveal which names exist.
    const valid = await verifyPassword(password, user?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!user || !valid || user.disabledAt) {
      await this.throttle.failed(ip, username);
      throw new UnauthorizedError('invalid username or password');
    }
    const next = await this.twoFactor.stepAfterPassword(user);
    // The username's failures are forgotten only when the whole sign-in succeeds: else each
    // right password would reset the count of wrong codes (`two-factor-sign-in.ts`).
    if (next) return this.challenges.issue(user, next);
    await this.throttle.succeeded(username);
    return this.signIn(user, 'password', userAgent, ip);
  }

  /**
   * A new session of a user who proved who they are (audited with how); every sign-in ends here.
   * `ip`: where the sign-in came from, shown on the sessions page.
   */
  async signIn(user: User, method: SignInMethod, userAgent?: string, ip?: string): Promise<TokenPair> {
    const pair = await this.issuePair(user, randomUUID(), ip, userAgent);
    await this.audit.record(user, 'auth.sign_in', { type: 'user', id: user.id }, { method });
    return pair;
  }

  async refresh(refreshToken: string, ip: string | undefined, userAgent?: string): Promise<TokenPair> {
    const now = new Date();
    const stored = await this.users.session(hashSecret(refreshToken));
    if (stored?.usedAt) {
      await this.users.endSessionFamily(stored.familyId);
      throw new UnauthorizedError('refresh token already used; all sessions of this login are revoked');
    }
    if (!stored || stored.revokedAt || stored.expiresAt <= now || stored.user.disabledAt) {
      throw new UnauthorizedError('invalid or expired refresh token');
    }
    // Claim the token atomically: of two concurrent uses, one wins.
    if (!(await this.users.claimSession(stored.id, now))) {
      await this.users.endSessionFamily(stored.familyId);
      throw new UnauthorizedError('refresh token already used; all sessions of this login are revoked');
    }
    return this.issuePair(stored.user, stored.familyId, ip, userAgent);
  }

  async logout(refreshToken: string): Promise<void> {
    const stored = await this.users.session(hashSecret(refreshToken));
    if (stored) await this.users.endSessionFamily(stored.familyId);
  }

  /** A session's tokens; the access token names the session (`sid`) so that ending it refuses them. */
  private async issuePair(user: User, familyId: string, ip: string | undefined, userAgent?: string): Promise<TokenPair> {
    const refreshToken = generateSecret('prt_');
    await this.users.startSession({
      userId: user.id,
      familyId,
      tokenHash: hashSecret(refreshToken),
      expiresAt: new Date(Date.now() + this.config.refreshTokenTtlSeconds * 1000),
      userAgent: userAgent === undefined ? undefined : cutText(userAgent, 512),
      ip,
    });
    const access = this.accessTokens.issue(user, familyId);
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken,
      refreshExpiresIn: this.config.refreshTokenTtlSeconds,
      user: toUserView(user),
    };
  }
}
