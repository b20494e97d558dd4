import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { UserRole } from '@pharos/database';
import { API_TOKEN_SCOPES, type ApiTokenScope } from '@pharos/protocol';
import { ApiRequirement } from '../../platform/openapi/api-schema';

export const SCOPE_KEY = 'pharos:api-token-scope';
export const SESSION_ONLY_KEY = 'pharos:session-only';

/**
 * The scope an API token needs for this route, where the default (`requiredScope`) is wrong:
 * running commands (`commands:run`), managing releases (`releases:manage`).
 */
export const RequiresScope = (scope: ApiTokenScope) => applyDecorators(SetMetadata(SCOPE_KEY, scope), ApiRequirement(`with a personal API token, its scope ${scope}`));

/**
 * The route takes a signed-in session only, never an API token: managing tokens and sessions,
 * so that a leaked token cannot mint more tokens or keep its owner out.
 */
export const SessionOnly = () => applyDecorators(SetMetadata(SESSION_ONLY_KEY, true), ApiRequirement('a signed-in session: a personal API token is refused'));

/**
 * The scope a route needs of an API token: the declared one; else `admin` for admin-only
 * routes (`@Roles('admin')`); else `fleet:read` for reads (GET, HEAD) and `admin` for writes.
 */
export function requiredScope(method: string, roles: readonly UserRole[] | undefined, declared: ApiTokenScope | undefined): ApiTokenScope {
  if (declared) return declared;
  if (roles?.length && !roles.includes('viewer')) return 'admin';
  return method === 'GET' || method === 'HEAD' ? 'fleet:read' : 'admin';
}

/** Whether a token's scopes cover `needed`: `admin` covers every scope. */
export function scopesGrant(scopes: readonly ApiTokenScope[], needed: ApiTokenScope): boolean {
  return scopes.includes(needed) || scopes.includes('admin');
}

/**
 * The scopes a user of `role` may give a token: a token never does more than its user. A
 * viewer may read; running commands, managing releases and admin need an admin.
 */
export function scopesAllowedFor(role: UserRole): readonly ApiTokenScope[] {
  return role === 'admin' ? API_TOKEN_SCOPES : ['fleet:read'];
}
