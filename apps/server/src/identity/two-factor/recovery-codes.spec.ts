import { newRecoveryCodes, recoveryCodeHash, recoveryCodeHashes } from './recovery-codes';

describe('recovery codes', () => {
  it('makes ten distinct codes of four groups', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
  });

  it('hashes what was typed forgiving case, spaces and dashes, never storing the code', () => {
    const [code] = newRecoveryCodes(1) as [string];
    const [stored] = recoveryCodeHashes([code]);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(code.replace(/-/g, ''));
    expect(recoveryCodeHash(code.toUpperCase().replace(/-/g, ' '))).toBe(stored);
    expect(recoveryCodeHash(` ${code.replace(/-/g, '')} `)).toBe(stored);
  });

  it('refuses what cannot be a code', () => {
    expect(recoveryCodeHash('123456')).toBeNull();
    expect(recoveryCodeHash('abcd-efgh-ijkl-mno1')).toBeNull();
    expect(recoveryCodeHash('')).toBeNull();
  });
});
