import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets Pharos hands out (refresh tokens, agent API keys, node secrets, Lightd remote tokens)
 * are random strings shown once; only their SHA-256 is stored. A lookup by hash needs no
 * slow hash: the secrets carry 128+ bits of entropy, so the digest cannot be brute-forced.
 */
export function generateSecret(prefix: string, bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** `bytes` random bytes as lowercase hex, e.g. for Lightd's `lightd_<32 hex>` tokens. */
export function generateHexSecret(prefix: string, bytes = 16): string {
  return `${prefix}${randomBytes(bytes).toString('hex')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time equality of two strings (of any lengths). */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

/** What lists show of a secret: enough to tell two apart, never enough to use. */
export function secretPrefix(secret: string, visible = 12): string {
  return secret.slice(0, visible);
}
