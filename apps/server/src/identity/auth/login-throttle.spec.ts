import { PharosConfig } from '../../platform/config/pharos-config';
import { TooManyRequestsError } from '../../platform/errors/domain-errors';
import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  const config = { loginMaxFailures: 3, loginFailureWindowSeconds: 60 } as PharosConfig;

  it('refuses a username after the limit of failures, from any address, until the window ends', () => {
    const throttle = new LoginThrottle(config);
    for (let i = 0; i < 3; i++) throttle.recordFailure(`10.0.0.${i}`, 'admin', 1_000);
    expect(() => throttle.assertAllowed('10.9.9.9', 'ADMIN', 2_000)).toThrow(TooManyRequestsError);
    expect(() => throttle.assertAllowed('10.9.9.9', 'admin', 61_000)).not.toThrow();
  });

  it('refuses an address that tries many usernames, allowing it more than one username', () => {
    const throttle = new LoginThrottle(config);
    for (let i = 0; i < 14; i++) throttle.recordFailure('10.0.0.1', `user${i}`, 0);
    expect(() => throttle.assertAllowed('10.0.0.1', 'd', 10)).not.toThrow();
    throttle.recordFailure('10.0.0.1', 'user15', 0);
    expect(() => throttle.assertAllowed('10.0.0.1', 'd', 10)).toThrow(/too many failed logins/);
    expect(() => throttle.assertAllowed('10.0.0.2', 'd', 10)).not.toThrow();
  });

  it('tells the client when to retry', () => {
    const throttle = new LoginThrottle(config);
    for (let i = 0; i < 3; i++) throttle.recordFailure('ip', 'u', 0);
    try {
      throttle.assertAllowed('ip', 'u', 15_000);
      fail('expected a refusal');
    } catch (error) {
      expect((error as TooManyRequestsError).retryAfterSeconds).toBe(45);
    }
  });

  it('forgets a username’s failures after a successful login', () => {
    const throttle = new LoginThrottle(config);
    for (let i = 0; i < 2; i++) throttle.recordFailure(`ip${i}`, 'u', 0);
    throttle.recordSuccess('u');
    throttle.recordFailure('ip9', 'u', 0);
    expect(() => throttle.assertAllowed('ip8', 'u', 0)).not.toThrow();
  });
});
