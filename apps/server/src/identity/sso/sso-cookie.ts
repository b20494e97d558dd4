/**
 * The browser's half of an SSO sign-in: the state Pharos sent to the provider, which the
 * callback must find again both in the provider's redirect and here (the other half, the
 * state's hash with its nonce and PKCE verifier, is kept server-side: `SsoStore`). httpOnly,
 * sent only to the SSO routes, and SameSite=Lax, not Strict: the callback arrives as a
 * top-level navigation from the provider's site, which a Strict cookie would not accompany.
 */
export const SSO_STATE_COOKIE = 'pharos_oidc_state';
export const SSO_COOKIE_PATH = '/api/v1/auth/oidc';

/** The `Set-Cookie` value that keeps `state` for `maxAgeSeconds` (`Secure` over HTTPS). */
export function ssoStateCookie(state: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SSO_STATE_COOKIE}=${state}; Path=${SSO_COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The `Set-Cookie` value that drops the state cookie (each state serves one callback). */
export function clearedSsoStateCookie(secure: boolean): string {
  return ssoStateCookie('', 0, secure);
}
