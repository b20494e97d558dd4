import { Injectable } from '@nestjs/common';
import type { User } from '@pharos/database';
import type { TwoFactorChallenge } from '@pharos/protocol';
import { PharosConfig } from '../../platform/config/pharos-config';
import { UnauthorizedError } from '../../platform/errors/domain-errors';
import { SecretSealer, UnsealError } from '../../platform/secrets/secret-sealer';

/** Seconds to type a code; an enrolment (install an app, scan, type) gets longer. */
const TTL_SECONDS = { code: 300, enrol: 900 } as const;
const OWNER = 'sign-in';

interface ChallengeClaims {
  /** The user's id, their `tokenVersion` then, what comes next, and when it expires (epoch ms). */
  u: string;
  v: number;
  n: TwoFactorChallenge['next'];
  e: number;
}

/**
 * The token a password sign-in answers when a second step must follow. Sealed (AES-GCM under
 * PHAROS_SECRET_KEY, `secret-sealer.ts`), so it is opaque and cannot be forged, and needs no
 * table. It is bound to the user's `tokenVersion`: a password reset or a disabling in between
 * voids it. Each use still needs a fresh code, counted by the login throttle.
 */
@Injectable()
export class SignInChallenges {
  private readonly sealer: SecretSealer;

  constructor(config: PharosConfig) {
    this.sealer = new SecretSealer(config.secretKey, 'two-factor sign-in challenge');
  }

  issue(user: User, next: TwoFactorChallenge['next'], now = Date.now()): TwoFactorChallenge {
    const claims: ChallengeClaims = { u: user.id, v: user.tokenVersion, n: next, e: now + TTL_SECONDS[next] * 1000 };
    return { twoFactorRequired: true, next, challenge: this.sealer.seal(JSON.stringify(claims), OWNER), expiresIn: TTL_SECONDS[next] };
  }

  /** What the challenge was issued for, or `UnauthorizedError` (forged, damaged, expired). The caller checks the user still matches. */
  open(challenge: string, now = Date.now()): { userId: string; tokenVersion: number; next: TwoFactorChallenge['next'] } {
    let claims: ChallengeClaims;
    try {
      claims = JSON.parse(this.sealer.open(challenge, OWNER)) as ChallengeClaims;
    } catch (error) {
      if (error instanceof UnsealError || error instanceof SyntaxError) throw invalidChallenge();
      throw error;
    }
    if (!(claims.e > now)) throw invalidChallenge();
    return { userId: claims.u, tokenVersion: claims.v, next: claims.n };
  }
}

export function invalidChallenge(): UnauthorizedError {
  return new UnauthorizedError('the sign-in challenge is invalid or has expired: sign in again');
}
