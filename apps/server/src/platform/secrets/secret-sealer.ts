import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed secret that cannot be opened: wrong key (PHAROS_SECRET_KEY changed), wrong owner, or damaged. */
export class UnsealError extends Error {
  constructor() {
    super('the stored secret cannot be decrypted with this server\'s secret key');
    this.name = 'UnsealError';
  }
}

/**
 * Encrypts the secrets Pharos must read back to use (a Lightd daemon's API token, presented
 * on every console connection), unlike those it only checks, which are hashed. AES-256-GCM
 * under a key derived from PHAROS_SECRET_KEY for one purpose; `owner` (e.g. the daemon's id)
 * is authenticated too, so a sealed value copied to another row does not open.
 */
export class SecretSealer {
  private readonly key: Buffer;

  constructor(secretKey: string, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', secretKey, 'pharos', `pharos secret sealer: ${purpose}`, 32));
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
  seal(plain: string, owner: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(owner, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  open(sealed: string, owner: string): string {
    const [version, iv, tag, ciphertext, ...rest] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) throw new UnsealError();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(owner, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new UnsealError();
    }
  }
}
