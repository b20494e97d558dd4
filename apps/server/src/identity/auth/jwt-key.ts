import { createSecretKey, type KeyObject } from 'node:crypto';
import type { PharosConfig } from '../../platform/config/pharos-config';

const keys = new WeakMap<PharosConfig, KeyObject>();

/**
 * The HS256 key of access tokens as a `KeyObject`, made once per configuration. Given the secret
 * as a string, jsonwebtoken first tries it as a PEM key on every sign and verify and catches the
 * failure (~0.3 ms of CPU each, on every admin request and socket login); as a secret key its
 * bytes are the string's UTF-8, as jsonwebtoken would make them, so tokens are the same.
 */
export function jwtKey(config: PharosConfig): KeyObject {
  let key = keys.get(config);
  if (!key) {
    key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
    keys.set(config, key);
  }
  return key;
}
