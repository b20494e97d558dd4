import { jsonNestsDeeperThan } from './json-depth';

describe('JSON nesting depth', () => {
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it('allows nesting up to the limit and refuses past it', () => {
    expect(jsonNestsDeeperThan(nested(64), 64)).toBe(false);
    expect(jsonNestsDeeperThan(nested(65), 64)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":'.repeat(65) + '1' + '}'.repeat(65), 64)).toBe(true);
  });

  it('counts depth, not brackets: siblings do not add up', () => {
    expect(jsonNestsDeeperThan(`[${Array.from({ length: 1000 }, () => '[[1]]').join(',')}]`, 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(JSON.stringify({ a: '['.repeat(100) }), 2)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ a: 'say \\"[[[[ \\" {{{{' }), 2)).toBe(false);
    expect(jsonNestsDeeperThan(`["\\\\", ${nested(3)}]`, 3)).toBe(true);
  });

  it('reads 1 MiB of brackets without throwing (the parser would refuse or the stack overflow later)', () => {
    expect(jsonNestsDeeperThan('['.repeat(1024 * 1024), 64)).toBe(true);
  });
});
