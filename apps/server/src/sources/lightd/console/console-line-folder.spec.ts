import { ConsoleLineFolder } from './console-line-folder';

/** A folder on a clock the test moves. */
function folder(windowMs = 1000) {
  let now = 0;
  const f = new ConsoleLineFolder(windowMs, () => now);
  return {
    f,
    /** Lines that arrive at once; returns those passed on. */
    burst: (...lines: string[]) => lines.filter((line) => f.accept(line)),
    wait: (ms: number) => (now += ms),
  };
}

describe('ConsoleLineFolder', () => {
  it('passes every line when each comes once (the first connection since the daemon started)', () => {
    const { f, burst, wait } = folder();
    expect(burst('a', 'b')).toEqual(['a', 'b']);
    wait(1500);
    expect(f.knownFanOut).toBeUndefined();
    expect(burst('c')).toEqual(['c']);
    expect(f.knownFanOut).toBe(1);
    // With a fan-out of one, a line the container prints again right away is shown again.
    expect(burst('a', 'x', 'a')).toEqual(['a', 'x', 'a']);
  });

  it('folds the copies of three streamers, interleaved, and keeps a line printed again later', () => {
    const { f, burst, wait } = folder();
    expect(burst('a', 'a', 'b', 'a', 'b', 'b')).toEqual(['a', 'b']);
    wait(1500);
    expect(burst('c', 'c', 'c')).toEqual(['c']);
    expect(f.knownFanOut).toBe(3);
    // Learnt: the container printing `c` again within the window is a new line, its copies folded.
    expect(burst('d', 'd', 'c', 'd', 'c', 'c')).toEqual(['d', 'c']);
  });

  it('learns again after a reconnection, and falls back when lines come fewer times (the daemon restarted)', () => {
    const { f, burst, wait } = folder();
    burst('a', 'a');
    wait(1500);
    burst('x');
    expect(f.knownFanOut).toBe(2);
    for (let i = 0; i < 10; i++) {
      expect(burst(`once ${i}`)).toEqual([`once ${i}`]);
      wait(1500);
    }
    expect(f.knownFanOut).toBe(1);
    f.reset();
    expect(f.knownFanOut).toBeUndefined();
    expect(burst('y', 'y')).toEqual(['y']);
  });

  it('grows the fan-out when lines keep coming once more (another client connected)', () => {
    const { f, burst, wait } = folder();
    burst('a');
    wait(1500);
    burst('b');
    expect(f.knownFanOut).toBe(1);
    const shown: string[] = [];
    for (let i = 0; i < 8; i++) {
      shown.push(...burst(`l${i}`, `l${i}`));
      wait(1500);
    }
    expect(f.knownFanOut).toBe(2);
    expect(burst('z', 'z')).toEqual(['z']);
    // Until it was learnt, those lines were shown twice: a duplicate is shown, never a line lost.
    expect(shown.length).toBeGreaterThan(8);
  });

  it('folds a logs answer by position with the fan-out learnt live', () => {
    const { f, burst, wait } = folder();
    expect(f.foldLogs(['a', 'a'])).toEqual(['a', 'a']);
    burst('a', 'a');
    // While it is learnt, the most copies a recent line came in.
    expect(f.foldLogs(['q', 'q', 'r', 'r'])).toEqual(['q', 'r']);
    wait(1500);
    burst('b');
    expect(f.foldLogs(['a', 'a', 'b', 'c', 'b', 'c', 'a', 'a'])).toEqual(['a', 'b', 'c', 'a']);
  });
});
