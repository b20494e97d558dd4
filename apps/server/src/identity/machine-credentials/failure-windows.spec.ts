import { FailureWindows } from './failure-windows';

describe('FailureWindows', () => {
  it('blocks a key at its limit until the window that its first failure opened ends', () => {
    const windows = new FailureWindows(10_000);
    windows.record('k', 1_000);
    windows.record('k', 9_000);
    expect(windows.retryAfterSeconds('k', 3, 9_500)).toBeNull();
    expect(windows.retryAfterSeconds('k', 2, 9_500)).toBe(2);
    expect(windows.retryAfterSeconds('k', 2, 11_000)).toBeNull();
    windows.record('k', 11_000); // a new window
    expect(windows.retryAfterSeconds('k', 1, 11_000)).toBe(10);
  });

  it('forgets a key on demand', () => {
    const windows = new FailureWindows(10_000);
    windows.record('k', 0);
    windows.forget('k');
    expect(windows.retryAfterSeconds('k', 1, 0)).toBeNull();
  });
});
