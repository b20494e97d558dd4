import { Logger } from '@nestjs/common';
import * as openid from 'openid-client';
import type { OidcSettings } from '../../platform/config/pharos-config';
import type { Claims } from './sso-claims';

/** The route the provider sends the browser back to (registered at the provider as the redirect URI). */
export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';

/** What one sign-in sends to the provider and must find again in its answer. */
export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** How long a request to the provider (discovery, token, userinfo) may take, in seconds. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/**
 * Pharos as an OpenID Connect relying party, through `openid-client`: discovery (once, again
 * after a failure), the authorization URL (code flow, PKCE S256, state, nonce) and the code
 * exchange, where the library checks the state, the `iss` parameter, and the ID token's
 * signature (the provider's JWKS), issuer, audience, expiry and nonce.
 */
export class OidcClient {
  private readonly logger = new Logger(OidcClient.name);
  private readonly settings: OidcSettings;
  readonly redirectUri: string;
  private configuration?: Promise<openid.Configuration>;

  /** Made only when SSO is configured (`sso.module.ts`). */
  constructor(settings: OidcSettings, publicUrl: string) {
    this.settings = settings;
    this.redirectUri = `${publicUrl}${OIDC_CALLBACK_PATH}`;
  }

  /** Fresh random checks for one sign-in. */
  static newChecks(): AuthorizationChecks {
    return { state: openid.randomState(), nonce: openid.randomNonce(), codeVerifier: openid.randomPKCECodeVerifier() };
  }

  /** Where to send the browser to sign in. */
  async authorizationUrl(checks: AuthorizationChecks): Promise<URL> {
    return openid.buildAuthorizationUrl(await this.discovered(), {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes.join(' '),
      code_challenge: await openid.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
    });
  }

  /**
   * Trades the callback's code for tokens and returns the signed-in account's claims: the ID
   * token's, plus the userinfo endpoint's when the ID token lacks the role claim (providers
   * that keep groups out of ID tokens). Throws when any check fails.
   */
  async signedInClaims(callbackQuery: string, checks: AuthorizationChecks): Promise<Claims & { iss: string; sub: string }> {
    const configuration = await this.discovered();
    const callbackUrl = new URL(this.redirectUri);
    callbackUrl.search = callbackQuery;
    const tokens = await openid.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims()!;
    if (idToken[this.settings.roleClaim.split('.')[0]!] !== undefined || !configuration.serverMetadata().userinfo_endpoint) return idToken;
    const userinfo = await openid.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
    return { ...userinfo, ...idToken };
  }

  /** The provider's metadata, fetched on first use; a failed fetch is tried again next time. */
  private discovered(): Promise<openid.Configuration> {
    this.configuration ??= openid
      .discovery(new URL(this.settings.issuer), this.settings.clientId, undefined, openid.ClientSecretBasic(this.settings.clientSecret), {
        // Plain HTTP is accepted for a provider on localhost only (`load-config.ts`).
        execute: this.settings.issuer.startsWith('http:') ? [openid.allowInsecureRequests] : [],
        timeout: PROVIDER_TIMEOUT_SECONDS,
      })
      .catch((error: unknown) => {
        this.configuration = undefined;
        this.logger.warn({ err: error }, `OIDC discovery at ${this.settings.issuer} failed`);
        throw error;
      });
    return this.configuration;
  }
}
