import { Secret } from 'otpauth';
import { hashSecret } from '../../platform/secrets/secret-token';

/** How many recovery codes an enrolment (or a regeneration) hands out. */
export const RECOVERY_CODE_COUNT = 10;
/** 80 random bits each: stored as SHA-256 (`hashSecret`), they cannot be brute-forced from a dump. */
const CODE_BYTES = 10;
const GROUP = 4;

/** New codes as shown to the user, e.g. `k7qm-2xdp-vhe4-nw3a`. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const base32 = new Secret({ size: CODE_BYTES }).base32.toLowerCase();
    return base32.match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
  });
}

/**
 * The stored hash of what a user typed, forgiving case, spaces and dashes; null when it cannot
 * be a recovery code at all.
 */
export function recoveryCodeHash(typed: string): string | null {
  const bare = typed.toLowerCase().replace(/[\s-]/g, '');
  return /^[a-z2-7]{16}$/.test(bare) ? hashSecret(bare) : null;
}

/** The hashes to store for new codes. */
export function recoveryCodeHashes(codes: string[]): string[] {
  return codes.map((code) => recoveryCodeHash(code)!);
}
