import { reconnectDelayMs } from './reconnect-backoff';

describe('reconnectDelayMs', () => {
  it('doubles from the minimum and stops at the maximum', () => {
    const noJitter = () => 0;
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => reconnectDelayMs(n, 1000, 30_000, noJitter))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(reconnectDelayMs(500, 1000, 30_000, noJitter)).toBe(30_000);
  });

  it('shortens by at most 20 % at random', () => {
    expect(reconnectDelayMs(2, 1000, 30_000, () => 0.999)).toBe(3201);
    for (let i = 0; i < 100; i++) {
      const delay = reconnectDelayMs(3, 1000, 30_000);
      expect(delay).toBeGreaterThanOrEqual(6400);
      expect(delay).toBeLessThanOrEqual(8000);
    }
  });
});
