import { SecretSealer, UnsealError } from './secret-sealer';

describe('SecretSealer', () => {
  const key = 'k'.repeat(40);
  const sealer = new SecretSealer(key, 'lightd api token');

  it('opens what it sealed, and never stores the secret in clear', () => {
    const sealed = sealer.seal('lightd_0123456789abcdef', 'daemon-1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('lightd_');
    expect(sealer.open(sealed, 'daemon-1')).toBe('lightd_0123456789abcdef');
  });

  it('uses a fresh IV each time', () => {
    expect(sealer.seal('same', 'd')).not.toBe(sealer.seal('same', 'd'));
  });

  it('refuses another key, another purpose, another owner and a tampered value', () => {
    const sealed = sealer.seal('secret', 'daemon-1');
    expect(() => new SecretSealer('x'.repeat(40), 'lightd api token').open(sealed, 'daemon-1')).toThrow(UnsealError);
    expect(() => new SecretSealer(key, 'other purpose').open(sealed, 'daemon-1')).toThrow(UnsealError);
    expect(() => sealer.open(sealed, 'daemon-2')).toThrow(UnsealError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('forged').toString('base64url');
    expect(() => sealer.open(parts.join('.'), 'daemon-1')).toThrow(UnsealError);
    expect(() => sealer.open('not sealed', 'daemon-1')).toThrow(UnsealError);
  });
});
