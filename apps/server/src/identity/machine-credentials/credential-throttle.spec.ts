import { CredentialThrottle } from './credential-throttle';

describe('CredentialThrottle', () => {
  const settings = { maxFailures: 3, windowSeconds: 60 };

  it('refuses any unknown credential from an address after its failures, until the window ends', () => {
    const throttle = new CredentialThrottle(settings);
    for (let i = 0; i < 2; i++) throttle.recordFailure('10.0.0.1', 1_000);
    expect(throttle.refusal('10.0.0.1', 'hash-a', 2_000)).toBeNull();
    throttle.recordFailure('10.0.0.1', 3_000);
    expect(throttle.refusal('10.0.0.1', 'hash-a', 4_000)).toBe(57);
    expect(throttle.refusal('10.0.0.1', 'hash-b', 60_999)).toBe(1);
    expect(throttle.refusal('10.0.0.1', 'hash-a', 61_000)).toBeNull();
  });

  it('keeps addresses apart', () => {
    const throttle = new CredentialThrottle(settings);
    for (let i = 0; i < 3; i++) throttle.recordFailure('10.0.0.1', 0);
    expect(throttle.refusal('10.0.0.2', 'hash-a', 0)).toBeNull();
    for (let i = 0; i < 3; i++) throttle.recordFailure(undefined, 0);
    expect(throttle.refusal(undefined, 'hash-a', 0)).not.toBeNull();
  });

  it('still lets a credential that authenticated be checked from a throttled address (a fleet behind one NAT)', () => {
    const throttle = new CredentialThrottle(settings);
    throttle.recordSuccess('hash-good', 0);
    for (let i = 0; i < 10; i++) throttle.recordFailure('203.0.113.7', 1_000);
    expect(throttle.refusal('203.0.113.7', 'hash-good', 2_000)).toBeNull();
    expect(throttle.refusal('203.0.113.7', 'hash-never-seen', 2_000)).not.toBeNull();
  });

  it('does not reset an address’s failures when another credential from it succeeds', () => {
    const throttle = new CredentialThrottle(settings);
    for (let i = 0; i < 2; i++) throttle.recordFailure('203.0.113.7', 0);
    throttle.recordSuccess('hash-good', 0);
    throttle.recordFailure('203.0.113.7', 0);
    expect(throttle.refusal('203.0.113.7', 'hash-bad', 0)).not.toBeNull();
  });

  it('forgets a known credential after a day without a success', () => {
    const throttle = new CredentialThrottle({ maxFailures: 1, windowSeconds: 7 * 86_400 });
    throttle.recordSuccess('hash-good', 0);
    throttle.recordFailure('203.0.113.7', 0);
    expect(throttle.refusal('203.0.113.7', 'hash-good', 86_399_999)).toBeNull();
    expect(throttle.refusal('203.0.113.7', 'hash-good', 86_400_000)).not.toBeNull();
    throttle.recordSuccess('hash-good', 86_400_000);
    expect(throttle.refusal('203.0.113.7', 'hash-good', 86_400_001)).toBeNull();
  });
});
