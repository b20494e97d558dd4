import { AlertTracker, breaches } from './alert-condition';

describe('alert conditions', () => {
  it('compares with each operator', () => {
    expect([breaches('gt', 90, 90), breaches('gte', 90, 90), breaches('lt', 5, 10), breaches('lte', 11, 10)]).toEqual([false, true, true, false]);
  });

  it('fires at once without a hold time, once, and resolves on the first clear sample', () => {
    const tracker = new AlertTracker();
    expect(tracker.observe(true, 0, 0)).toBe('fire');
    expect(tracker.observe(true, 1000, 0)).toBeNull();
    expect(tracker.observe(false, 2000, 0)).toBe('resolve');
    expect(tracker.observe(false, 3000, 0)).toBeNull();
  });

  it('fires only when the breach held for the hold time without a break', () => {
    const tracker = new AlertTracker();
    expect(tracker.observe(true, 0, 60)).toBeNull();
    expect(tracker.observe(true, 30_000, 60)).toBeNull();
    expect(tracker.observe(false, 40_000, 60)).toBeNull();
    expect(tracker.observe(true, 50_000, 60)).toBeNull();
    expect(tracker.observe(true, 100_000, 60)).toBeNull();
    expect(tracker.observe(true, 110_000, 60)).toBe('fire');
  });

  it('resolves an alert that was already firing before a restart', () => {
    expect(new AlertTracker(true).observe(false, 0, 0)).toBe('resolve');
  });
});
