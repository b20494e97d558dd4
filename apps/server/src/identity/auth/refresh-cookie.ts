/**
 * The dashboard's refresh token as a cookie: httpOnly (no script reads it, so an injected one
 * cannot carry it off), SameSite=Strict (no other site's page sends it), and sent only to the
 * refresh route (`Path`), the one place that takes it. API clients keep sending the token in
 * the JSON body instead; the cookie is for the browser, on request (`LoginDto.refreshCookie`).
 */
export const REFRESH_COOKIE = 'pharos_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth/refresh';

/** The refresh token a `Cookie` header holds, if any. */
export function readRefreshCookie(header: string | undefined): string | undefined {
  return readCookie(header, REFRESH_COOKIE);
}

/** The value of cookie `name` in a `Cookie` header, if any (and not empty). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** The `Set-Cookie` value that keeps `token` for `maxAgeSeconds` (`Secure` over HTTPS). */
export function refreshCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${REFRESH_COOKIE}=${token}; Path=${REFRESH_COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The `Set-Cookie` value that makes the browser forget the refresh cookie. */
export function clearedRefreshCookie(secure: boolean): string {
  return refreshCookie('', 0, secure);
}
