import { Injectable } from '@nestjs/common';
import type { User } from '@pharos/database';
import type { TotpEnrolment } from '@pharos/protocol';
import { type DomainError, InvalidInputError, UnauthorizedError } from '../../platform/errors/domain-errors';
import { AuthService, type SignInMethod, type TokenPair } from '../auth/auth.service';
import { LoginThrottle } from '../auth/login-throttle';
import { UsersService } from '../users/users.service';
import { invalidChallenge, SignInChallenges } from './sign-in-challenges';
import { TwoFactorService } from './two-factor.service';

export interface SecondStep {
  challenge: string;
  code?: string;
  recoveryCode?: string;
}

/**
 * The second step of a sign-in, and the proof a signed-in user gives before changing their
 * two-factor sign-in. Every wrong code counts against the login throttle, per username and
 * per address, like a wrong password: after `LOGIN_MAX_FAILURES` the account is refused (429)
 * for the window, so six digits cannot be guessed.
 */
@Injectable()
export class TwoFactorSignIn {
  constructor(
    private readonly auth: AuthService,
    private readonly twoFactor: TwoFactorService,
    private readonly challenges: SignInChallenges,
    private readonly throttle: LoginThrottle,
    private readonly users: UsersService,
  ) {}

  /** Ends a challenged sign-in in a session: with a code (or recovery code), or by confirming the enrolment it asked for. */
  async complete(step: SecondStep, ip: string, userAgent?: string): Promise<TokenPair & { recoveryCodes?: string[] }> {
    const { user, next } = await this.challenged(step.challenge);
    if (next === 'enrol') {
      if (step.code === undefined) throw new InvalidInputError('code is required: the code the authenticator app shows for the new secret', 'code');
      let recoveryCodes: string[] | null = null;
      await this.proven(user, ip, new UnauthorizedError('invalid two-factor code'), async () => (recoveryCodes = await this.twoFactor.confirmEnrolment(user, step.code!)) !== null);
      return { ...(await this.signIn(user, 'password+totp', ip, userAgent)), recoveryCodes: recoveryCodes! };
    }
    if ((step.code === undefined) === (step.recoveryCode === undefined)) {
      throw new InvalidInputError('give either code (from the authenticator app) or recoveryCode', 'code');
    }
    const method: SignInMethod = step.code !== undefined ? 'password+totp' : 'password+recovery code';
    await this.proven(user, ip, new UnauthorizedError('invalid two-factor code'), () =>
      step.code !== undefined ? this.twoFactor.useTotpCode(user, step.code) : this.twoFactor.useRecoveryCode(user, step.recoveryCode!),
    );
    return this.signIn(user, method, ip, userAgent);
  }

  /** The enrolment an `enrol` challenge asks for: a new secret, pending until `complete` confirms it. */
  async startEnrolment(challenge: string): Promise<TotpEnrolment> {
    const { user, next } = await this.challenged(challenge);
    if (next !== 'enrol') throw new InvalidInputError('this challenge asks for a code, not an enrolment', 'challenge');
    return this.twoFactor.startEnrolment(user);
  }

  /**
   * Runs `check` (a password and/or code check) unless the user is throttled; a failed check
   * is counted and answered with `refusal`. The signed-in user's account changes answer 403,
   * not 401: their session is fine, the proof is not.
   */
  async proven(user: User, ip: string, refusal: DomainError, check: () => Promise<boolean>): Promise<void> {
    await this.throttle.allow(ip, user.username);
    if (await check()) return;
    await this.throttle.failed(ip, user.username);
    throw refusal;
  }

  private async signIn(user: User, method: SignInMethod, ip: string, userAgent?: string): Promise<TokenPair> {
    await this.throttle.succeeded(user.username);
    return this.auth.signIn(user, method, userAgent, ip);
  }

  /** The user a challenge was issued to, if it still holds: not expired, the user enabled, their token version unchanged. */
  private async challenged(challenge: string): Promise<{ user: User; next: 'code' | 'enrol' }> {
    const claims = this.challenges.open(challenge);
    const user = await this.users.findById(claims.userId);
    if (!user || user.disabledAt || user.tokenVersion !== claims.tokenVersion) throw invalidChallenge();
    return { user, next: claims.next };
  }
}
