import { Secret, TOTP } from 'otpauth';

/** RFC 6238 as every authenticator app reads it by default: SHA-1, 6 digits, 30-second steps. */
const TOTP_SETTINGS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** The codes of the step before and after the current one are accepted too (clocks drift). */
const WINDOW_STEPS = 1;
/** 160 bits, the size RFC 4226 recommends for HMAC-SHA-1 secrets. */
const SECRET_BYTES = 20;

export const TOTP_CODE_PATTERN = /^\d{6}$/;

/** A new random secret, base32 (what apps take when typed in by hand). */
export function newTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

/** The `otpauth://totp/…` URI an app scans (as a QR code) to add the account. */
export function totpUri(secret: string, issuer: string, account: string): string {
  return totpOf(secret, issuer, account).toString();
}

/**
 * The time step of `code` when it is the code of the step of `now` or of one next to it, else
 * null. The caller remembers the step so that a code is accepted once (`TwoFactorStore.useStep`).
 */
export function matchTotpStep(secret: string, code: string, now = Date.now()): number | null {
  if (!TOTP_CODE_PATTERN.test(code)) return null;
  const totp = totpOf(secret, 'Pharos', 'user');
  const delta = totp.validate({ token: code, timestamp: now, window: WINDOW_STEPS });
  return delta === null ? null : totp.counter({ timestamp: now }) + delta;
}

function totpOf(secret: string, issuer: string, label: string): TOTP {
  return new TOTP({ ...TOTP_SETTINGS, issuer, label, secret: Secret.fromBase32(secret) });
}
