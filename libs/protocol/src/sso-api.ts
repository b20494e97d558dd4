// ------------------------------------------------------------------ single sign-on

/**
 * `GET /api/v1/auth/providers` (public): how the login page may sign in. `oidc` is null unless
 * an OpenID Connect provider is configured; then the page shows "Sign in with <name>", a plain
 * link to `startUrl`: the browser leaves for the provider and its callback sends it back to the
 * dashboard with `?signin=sso` (the refresh cookie set: the dashboard trades it for its access
 * token) or `?signin_error=<why>` when the sign-in was refused.
 */
export interface SignInProviders {
  password: true;
  oidc: { name: string; startUrl: string } | null;
}

/**
 * `GET|PUT|DELETE /api/v1/users/:id/oidc-identity` (admins): the provider account a Pharos user
 * signs in as. SSO finds users by it alone; with `OIDC_AUTO_PROVISION=false` an admin links
 * each account before its first sign-in (the subject is the provider's `sub` claim).
 */
export interface OidcIdentityView {
  issuer: string;
  subject: string;
  createdAt: string;
  lastSignInAt: string;
}

/** `PUT /api/v1/users/:id/oidc-identity`: link the user to this subject at the configured provider. */
export interface OidcIdentityLink {
  subject: string;
}
