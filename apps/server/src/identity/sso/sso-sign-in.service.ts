import { Inject, Injectable, Logger } from '@nestjs/common';
import { Prisma, type User, type UserRole } from '@pharos/database';
import { PharosConfig, type OidcSettings } from '../../platform/config/pharos-config';
import { NotFoundError, UnauthorizedError } from '../../platform/errors/domain-errors';
import { hashSecret, secretsEqual } from '../../platform/secrets/secret-token';
import { AuthService, type TokenPair } from '../auth/auth.service';
import { UsersService } from '../users/users.service';
import { type AuthorizationChecks, OidcClient } from './oidc-client';
import { type Claims, numberedUsername, roleFromClaims, usernameFromClaims } from './sso-claims';
import { SsoStore } from './sso.store';

/** The parameters of the provider's redirect back to Pharos that Pharos reads itself. */
export interface CallbackParams {
  state?: string;
  error?: string;
  errorDescription?: string;
}

/** Names tried for a new user (`alice`, `alice-2`, …) before giving up. */
const USERNAME_TRIES = 50;

/**
 * Single sign-on, from the redirect to the provider to the session: each attempt keeps its
 * state (hashed), nonce and PKCE verifier server-side, bound to the browser by the state in a
 * cookie; the callback takes the attempt once, lets `OidcClient` verify the provider's answer,
 * maps the claims to a role, finds the user by (issuer, subject) or creates them, and issues
 * the session as a password sign-in does (`AuthService.signIn`, which audits it).
 */
@Injectable()
export class SsoSignInService {
  private readonly logger = new Logger(SsoSignInService.name);
  /** Null when SSO is not configured (then the client is null too). */
  private readonly settings: OidcSettings | null;

  constructor(
    @Inject(OidcClient) private readonly oidc: OidcClient | null,
    private readonly store: SsoStore,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    config: PharosConfig,
  ) {
    this.settings = config.oidc;
  }

  /** The provider's name on the login page's button; null when SSO is not configured. */
  get providerName(): string | null {
    return this.settings?.displayName ?? null;
  }

  /** The settings and client, or a 404 when SSO is not configured. */
  private configured(): { settings: OidcSettings; oidc: OidcClient } {
    if (!this.settings || !this.oidc) throw new NotFoundError('single sign-on is not configured (OIDC_ISSUER)');
    return { settings: this.settings, oidc: this.oidc };
  }

  /** A new attempt: where to send the browser, and the state its cookie must hold at the callback. */
  async start(): Promise<{ authorizationUrl: string; state: string; maxAgeSeconds: number }> {
    const { settings, oidc } = this.configured();
    const checks = OidcClient.newChecks();
    const authorizationUrl = await oidc.authorizationUrl(checks);
    const maxAgeSeconds = settings.signInTimeoutSeconds;
    await this.store.saveAttempt({
      stateHash: hashSecret(checks.state),
      nonce: checks.nonce,
      codeVerifier: checks.codeVerifier,
      expiresAt: new Date(Date.now() + maxAgeSeconds * 1000),
    });
    return { authorizationUrl: authorizationUrl.href, state: checks.state, maxAgeSeconds };
  }

  /**
   * The provider's answer, turned into a session; an `UnauthorizedError` saying why when it is
   * refused. `query` is the callback's whole query string, as the library verifies it.
   */
  async finish(params: CallbackParams, query: string, cookieState: string | undefined, client: { userAgent?: string; ip?: string }): Promise<TokenPair> {
    const { settings } = this.configured();
    if (params.error !== undefined) {
      throw new UnauthorizedError(`${settings.displayName} did not sign you in: ${params.error}${params.errorDescription ? ` (${params.errorDescription})` : ''}`);
    }
    // The state must be the one this browser was given: a callback link from someone else's
    // sign-in (login CSRF) or a forged state stops here.
    if (!params.state || !cookieState || !secretsEqual(params.state, cookieState)) {
      throw new UnauthorizedError('this sign-in was not started in this browser (its state does not match): sign in again');
    }
    const attempt = await this.store.takeAttempt(hashSecret(params.state));
    if (!attempt || attempt.expiresAt <= new Date()) throw new UnauthorizedError('this sign-in expired or was already used: sign in again');

    const claims = await this.verifiedClaims(settings, query, { state: params.state, nonce: attempt.nonce, codeVerifier: attempt.codeVerifier });
    const role = roleFromClaims(claims, settings);
    if (!role) {
      this.logger.warn(`SSO sign-in of subject ${claims.sub} refused: claim "${settings.roleClaim}" maps to no role`);
      throw new UnauthorizedError(`your ${settings.displayName} account has no role in Pharos (its "${settings.roleClaim}" claim holds none of the configured values): ask an admin`);
    }
    const user = await this.signedInUser(settings, claims, role);
    // The provider's own second factor, if any, was its business: Pharos's two-factor step is for passwords.
    return this.auth.signIn(user, 'oidc', client.userAgent, client.ip);
  }

  private async verifiedClaims(settings: OidcSettings, query: string, checks: AuthorizationChecks): Promise<Claims & { iss: string; sub: string }> {
    try {
      return await this.configured().oidc.signedInClaims(query, checks);
    } catch (error) {
      // Nonce or state mismatch, a bad signature, a code already used or a verifier that does
      // not match it (PKCE): the library says which; the browser hears that it failed.
      this.logger.warn({ err: error }, 'SSO sign-in refused: the provider\'s answer did not verify');
      const reason = error instanceof Error ? `${error.message}${failedClaim(error)}` : String(error);
      throw new UnauthorizedError(`the sign-in with ${settings.displayName} could not be verified (${reason}): sign in again`);
    }
  }

  /** The user linked to the provider's account (its role brought up to date), or a new one. */
  private async signedInUser(settings: OidcSettings, claims: Claims & { iss: string; sub: string }, role: UserRole): Promise<User> {
    for (let attempt = 1; ; attempt++) {
      const linked = await this.store.findIdentity(claims.iss, claims.sub);
      if (linked) {
        if (linked.user.disabledAt) throw new UnauthorizedError('your Pharos account is disabled');
        await this.store.touchIdentity(linked.id, new Date());
        return this.users.applyRoleFromSingleSignOn(linked.user, role);
      }
      if (!settings.autoProvision) {
        throw new UnauthorizedError(`no Pharos account is linked to your ${settings.displayName} account (subject "${claims.sub}"): ask an admin to link it`);
      }
      try {
        return await this.provision(claims, role);
      } catch (error) {
        // The same account signing in twice at once: the other sign-in linked it; read it again.
        if (attempt < 3 && isUniqueViolation(error)) continue;
        throw error;
      }
    }
  }

  private async provision(claims: Claims & { iss: string; sub: string }, role: UserRole): Promise<User> {
    const base = usernameFromClaims(claims);
    for (let n = 1; n <= USERNAME_TRIES; n++) {
      const username = numberedUsername(base, n);
      if (await this.users.findByUsername(username)) continue;
      const user = await this.users.createForSingleSignOn(username, role, (created, tx) => this.store.linkIdentity({ userId: created.id, issuer: claims.iss, subject: claims.sub }, tx));
      this.logger.log(`SSO created ${role} "${username}" for subject ${claims.sub}`);
      return user;
    }
    throw new UnauthorizedError(`no free username like "${base}" for your account: ask an admin`);
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/** Which ID token claim failed a check, as openid-client says (`cause.claim`: nonce, aud, iss…). */
function failedClaim(error: unknown): string {
  for (let cause = error, depth = 0; typeof cause === 'object' && cause !== null && depth < 4; cause = (cause as { cause?: unknown }).cause, depth++) {
    const claim = (cause as { claim?: unknown }).claim;
    if (typeof claim === 'string') return ` in claim "${claim}"`;
  }
  return '';
}
