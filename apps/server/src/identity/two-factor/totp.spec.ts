import { Secret, TOTP, URI } from 'otpauth';
import { matchTotpStep, newTotpSecret, totpUri } from './totp';

describe('TOTP', () => {
  const secret = newTotpSecret();
  const app = new TOTP({ secret: Secret.fromBase32(secret) });
  const now = Date.UTC(2026, 11, 7, 12, 0, 10);
  const step = Math.floor(now / 30_000);

  it('makes a 160-bit base32 secret and a URI an authenticator app reads back', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const parsed = URI.parse(totpUri(secret, 'Pharos', 'alice')) as TOTP;
    expect(parsed).toBeInstanceOf(TOTP);
    expect(parsed.issuer).toBe('Pharos');
    expect(parsed.label).toBe('alice');
    expect(parsed.secret.base32).toBe(secret);
  });

  it('accepts the code of this step and of the steps next to it, answering which step it was', () => {
    expect(matchTotpStep(secret, app.generate({ timestamp: now }), now)).toBe(step);
    expect(matchTotpStep(secret, app.generate({ timestamp: now - 30_000 }), now)).toBe(step - 1);
    expect(matchTotpStep(secret, app.generate({ timestamp: now + 30_000 }), now)).toBe(step + 1);
  });

  it('refuses codes two steps away, of another secret, or not six digits', () => {
    expect(matchTotpStep(secret, app.generate({ timestamp: now - 60_000 }), now)).toBeNull();
    expect(matchTotpStep(newTotpSecret(), app.generate({ timestamp: now }), now)).toBeNull();
    expect(matchTotpStep(secret, '12345', now)).toBeNull();
    expect(matchTotpStep(secret, `${app.generate({ timestamp: now })} `, now)).toBeNull();
  });
});
