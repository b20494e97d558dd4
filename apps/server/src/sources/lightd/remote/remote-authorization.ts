import { LIGHTD_TOKEN_PREFIX } from '@pharos/protocol';
import { UnauthorizedError } from '../../../platform/errors/domain-errors';

const BEARER = /^Bearer[ \t]+(\S{1,256})[ \t]*$/i;

/**
 * The token of a Lightd call, from `Authorization: Bearer lightd_<hex>` (Lightd sends its
 * configured `remote.token` as is). A missing or ill-formed header is refused before any
 * lookup, with a reason an operator can act on.
 */
export function lightdTokenFromAuthorization(header: string | string[] | undefined): string {
  if (header === undefined || header === '') {
    throw new UnauthorizedError(`missing Authorization header: Lightd must send "Bearer ${LIGHTD_TOKEN_PREFIX}<token>"`);
  }
  const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
  if (!token?.startsWith(LIGHTD_TOKEN_PREFIX) || token.length === LIGHTD_TOKEN_PREFIX.length) {
    throw new UnauthorizedError(`Authorization must be "Bearer ${LIGHTD_TOKEN_PREFIX}<token>"`);
  }
  return token;
}
