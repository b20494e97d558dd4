import { JwtService } from '@nestjs/jwt';
import type { PharosConfig } from '../../platform/config/pharos-config';
import { jwtKey } from './jwt-key';

describe('jwtKey', () => {
  const config = { jwtSecret: 'ünïcödé-secret-of-at-least-32-characters ✓' } as PharosConfig;
  const byString = new JwtService({ secret: config.jwtSecret, signOptions: { algorithm: 'HS256' } });
  const byKey = new JwtService({ secret: jwtKey(config), signOptions: { algorithm: 'HS256' } });

  it('is the same key as the secret string: tokens signed either way verify the other way', () => {
    const claims = { sub: 'u1', typ: 'access' };
    const token = byString.sign(claims);
    expect(byKey.sign(claims)).toBe(token);
    expect(byKey.verify(token, { algorithms: ['HS256'] })).toMatchObject(claims);
    expect(byString.verify(byKey.sign(claims), { algorithms: ['HS256'] })).toMatchObject(claims);
    const other = new JwtService({ secret: jwtKey({ jwtSecret: `${config.jwtSecret}!` } as PharosConfig) });
    expect(() => other.verify(token, { algorithms: ['HS256'] })).toThrow('invalid signature');
  });

  it('is made once per configuration', () => {
    expect(jwtKey(config)).toBe(jwtKey(config));
    expect(jwtKey(config).type).toBe('secret');
  });
});
