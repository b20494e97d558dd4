import { ConsoleDeduplicator } from './console-deduplicator';

function run(frames: [kind: 'console' | 'console duplicate', data: string][], window?: number): string[] {
  const dedup = new ConsoleDeduplicator(window);
  return frames.filter(([kind, data]) => dedup.accept(kind, data)).map(([, data]) => data);
}

describe('ConsoleDeduplicator', () => {
  it('passes each chunk once when Lightd sends it as console then console duplicate', () => {
    expect(
      run([
        ['console', 'a\n'],
        ['console duplicate', 'a\n'],
        ['console', 'b\n'],
        ['console duplicate', 'b\n'],
      ]),
    ).toEqual(['a\n', 'b\n']);
  });

  it('keeps output that legitimately repeats', () => {
    expect(
      run([
        ['console', 'tick\n'],
        ['console', 'tick\n'],
        ['console duplicate', 'tick\n'],
        ['console duplicate', 'tick\n'],
        ['console', 'tick\n'],
      ]),
    ).toEqual(['tick\n', 'tick\n', 'tick\n']);
  });

  it('pairs a duplicate that arrives first with its original', () => {
    expect(
      run([
        ['console duplicate', 'x'],
        ['console', 'x'],
      ]),
    ).toEqual(['x']);
  });

  it('passes duplicates whose original never came (a build that sends only one kind)', () => {
    expect(
      run([
        ['console duplicate', 'only'],
        ['console duplicate', 'dup'],
      ]),
    ).toEqual(['only', 'dup']);
  });

  it('remembers a bounded number of unpaired chunks', () => {
    expect(
      run(
        [
          ['console', 'old'],
          ['console', 'new1'],
          ['console', 'new2'],
          ['console duplicate', 'old'],
        ],
        2,
      ),
    ).toEqual(['old', 'new1', 'new2', 'old']);
  });

  it('forgets unpaired chunks on reset', () => {
    const dedup = new ConsoleDeduplicator();
    dedup.accept('console', 'a');
    dedup.reset();
    expect(dedup.accept('console duplicate', 'a')).toBe(true);
  });
});
