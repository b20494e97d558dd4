import { Backoff } from './backoff';

describe('reconnection backoff', () => {
  it('doubles up to the longest delay, each drawn between half and all of it', () => {
    const low = new Backoff(1000, 8000, () => 0);
    expect([1, 2, 3, 4, 5].map(() => low.next())).toEqual([500, 1000, 2000, 4000, 4000]);
    const high = new Backoff(1000, 8000, () => 1);
    expect([1, 2, 3, 4, 5].map(() => high.next())).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it('starts over after a reset, and gives the longest delay on demand', () => {
    const backoff = new Backoff(1000, 60_000, () => 0.5);
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(750);
    expect(backoff.longest()).toBe(45_000);
  });
});
