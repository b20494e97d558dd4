import { generateHexSecret, generateSecret, hashSecret, secretPrefix, secretsEqual } from './secret-token';

describe('secret tokens', () => {
  it('generates prefixed random secrets', () => {
    expect(generateSecret('rt_')).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    expect(generateHexSecret('lightd_')).toMatch(/^lightd_[0-9a-f]{32}$/);
    expect(generateSecret('x')).not.toEqual(generateSecret('x'));
  });

  it('hashes deterministically with SHA-256', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('compares in constant time without length tricks', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abd')).toBe(false);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
  });

  it('shows only a prefix', () => {
    expect(secretPrefix('lightd_0123456789abcdef')).toBe('lightd_01234');
  });
});
