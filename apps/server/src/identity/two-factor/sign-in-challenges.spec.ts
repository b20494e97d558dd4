import type { User } from '@pharos/database';
import type { PharosConfig } from '../../platform/config/pharos-config';
import { UnauthorizedError } from '../../platform/errors/domain-errors';
import { SignInChallenges } from './sign-in-challenges';

describe('SignInChallenges', () => {
  const challenges = new SignInChallenges({ secretKey: 'k'.repeat(40) } as PharosConfig);
  const user = { id: '7d0c3a52-5d43-4a8e-9a0e-2f7b1c9d0e11', tokenVersion: 3 } as User;
  const now = Date.UTC(2026, 11, 7, 12, 0, 0);

  it('opens what it issued: the user, their token version and the next step, for five minutes (an enrolment fifteen)', () => {
    const issued = challenges.issue(user, 'code', now);
    expect(issued).toMatchObject({ twoFactorRequired: true, next: 'code', expiresIn: 300 });
    expect(issued.challenge).not.toContain(user.id);
    expect(challenges.open(issued.challenge, now + 299_000)).toEqual({ userId: user.id, tokenVersion: 3, next: 'code' });
    expect(() => challenges.open(issued.challenge, now + 300_000)).toThrow(UnauthorizedError);
    expect(challenges.issue(user, 'enrol', now).expiresIn).toBe(900);
  });

  it('refuses a damaged challenge, or one sealed under another key', () => {
    const { challenge } = challenges.issue(user, 'code', now);
    const other = new SignInChallenges({ secretKey: 'x'.repeat(40) } as PharosConfig);
    expect(() => other.open(challenge, now)).toThrow(UnauthorizedError);
    expect(() => challenges.open(`${challenge.slice(0, -2)}AA`, now)).toThrow(UnauthorizedError);
    expect(() => challenges.open('not a challenge', now)).toThrow(UnauthorizedError);
  });
});
