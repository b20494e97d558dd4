import type { UserRole } from '@pharos/database';
import type { OidcSettings } from '../../platform/config/pharos-config';
import { USERNAME_PATTERN } from '../users/users.service';

/** The claims of one sign-in: the ID token's, with the userinfo endpoint's added when needed. */
export type Claims = Record<string, unknown>;

/**
 * The role the claim mapping gives (admin wins over viewer), or null: no configured value
 * matched and the sign-in is refused. The claim may be a string or a list of strings, and may
 * be nested (`realm_access.roles`, as Keycloak puts realm roles).
 */
export function roleFromClaims(claims: Claims, mapping: Pick<OidcSettings, 'roleClaim' | 'adminValues' | 'viewerValues'>): UserRole | null {
  const values = claimValues(claims, mapping.roleClaim);
  if (mapping.adminValues.some((value) => values.includes(value))) return 'admin';
  if (mapping.viewerValues.some((value) => values.includes(value))) return 'viewer';
  return null;
}

/** The string values of a (dotted) claim; none when it is absent or of another type. */
export function claimValues(claims: Claims, path: string): string[] {
  let value: unknown = claims;
  for (const key of path.split('.')) {
    value = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/** The part of a username kept before a suffix that makes it unique. */
const BASE_MAX_LENGTH = 56;

/**
 * A username for a new SSO user: `preferred_username`, else the email address, else the
 * subject, reduced to what `USERNAME_PATTERN` allows. Only a name: the account is linked by
 * (issuer, subject), never found by it.
 */
export function usernameFromClaims(claims: Claims): string {
  const wanted = [claims.preferred_username, claims.email, claims.sub].find((value): value is string => typeof value === 'string' && value.trim() !== '') ?? 'sso-user';
  const base = wanted
    .trim()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-zA-Z0-9._@-]+/g, '-')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .slice(0, BASE_MAX_LENGTH);
  return USERNAME_PATTERN.test(base) ? base : `sso-${base}`.slice(0, BASE_MAX_LENGTH).padEnd(5, '0');
}

/** The `attempt`-th name to try (1: the name itself; then `name-2`, `name-3`, …). */
export function numberedUsername(base: string, attempt: number): string {
  return attempt === 1 ? base : `${base}-${attempt}`;
}
