import { MessageRateLimit } from './message-rate-limit';

describe('MessageRateLimit', () => {
  it('allows a burst, then refuses until tokens refill at the rate', () => {
    const limit = new MessageRateLimit(2, 3, 0);
    expect([limit.take(0), limit.take(0), limit.take(0), limit.take(0)]).toEqual([true, true, true, false]);
    expect(limit.take(400)).toBe(false);
    expect(limit.take(500)).toBe(true);
  });

  it('never saves up more than the burst', () => {
    const limit = new MessageRateLimit(10, 2, 0);
    expect([limit.take(60_000), limit.take(60_000), limit.take(60_000)]).toEqual([true, true, false]);
  });
});
