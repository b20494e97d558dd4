import { Controller, Get, Ip, Logger, Req, Res } from '@nestjs/common';
import type { SignInProviders } from '@pharos/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PharosConfig } from '../../platform/config/pharos-config';
import { DomainError, NotFoundError } from '../../platform/errors/domain-errors';
import { Public } from '../../platform/http/public-route';
import { readCookie, refreshCookie } from '../auth/refresh-cookie';
import { type CallbackParams, SsoSignInService } from './sso-sign-in.service';
import { clearedSsoStateCookie, SSO_COOKIE_PATH, SSO_STATE_COOKIE, ssoStateCookie } from './sso-cookie';

/**
 * Single sign-on for the dashboard. Browsers navigate here (links and redirects, not fetches),
 * so every outcome is a redirect: to the provider, or back to the dashboard signed in
 * (`?signin=sso`, the refresh cookie set) or with why it was refused (`?signin_error=`), never
 * a JSON page the browser would be left on.
 */
@Controller('api/v1/auth')
export class SsoController {
  private readonly logger = new Logger(SsoController.name);

  constructor(
    private readonly sso: SsoSignInService,
    private readonly config: PharosConfig,
  ) {}

  /** Which sign-ins the login page offers. */
  @Public()
  @Get('providers')
  providers(): SignInProviders {
    const name = this.sso.providerName;
    return { password: true, oidc: name === null ? null : { name, startUrl: `${SSO_COOKIE_PATH}/start` } };
  }

  /** Sends the browser to the provider, with this attempt's state in a cookie. */
  @Public()
  @Get('oidc/start')
  async start(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (this.sso.providerName === null) throw new NotFoundError('single sign-on is not configured (OIDC_ISSUER)');
    try {
      const attempt = await this.sso.start();
      redirect(reply, attempt.authorizationUrl, [ssoStateCookie(attempt.state, attempt.maxAgeSeconds, isHttps(request))]);
    } catch (error) {
      this.logger.error({ err: error }, 'SSO sign-in could not start');
      this.backToDashboard(reply, { signin_error: `${this.sso.providerName} cannot be reached right now: try again, or sign in with a password` }, []);
    }
  }

  /** Where the provider sends the browser back: a session, or the reason there is none. */
  @Public()
  @Get('oidc/callback')
  async callback(@Req() request: FastifyRequest, @Ip() ip: string, @Res() reply: FastifyReply): Promise<void> {
    if (this.sso.providerName === null) throw new NotFoundError('single sign-on is not configured (OIDC_ISSUER)');
    const secure = isHttps(request);
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const cookieState = readCookie(request.headers.cookie, SSO_STATE_COOKIE);
    try {
      const pair = await this.sso.finish(callbackParams(request.query), query, cookieState, { userAgent: request.headers['user-agent'], ip });
      this.backToDashboard(reply, { signin: 'sso' }, [clearedSsoStateCookie(secure), refreshCookie(pair.refreshToken, pair.refreshExpiresIn, secure)]);
    } catch (error) {
      if (!(error instanceof DomainError)) this.logger.error({ err: error }, 'SSO sign-in failed');
      const message = error instanceof DomainError ? error.message : 'single sign-on failed: try again, or sign in with a password';
      this.backToDashboard(reply, { signin_error: message }, [clearedSsoStateCookie(secure)]);
    }
  }

  private backToDashboard(reply: FastifyReply, params: Record<string, string>, cookies: string[]): void {
    redirect(reply, `${this.config.publicUrl}/?${new URLSearchParams(params).toString()}`, cookies);
  }
}

/** A 303 to `location` setting `cookies`; never cached (each carries a one-time state or outcome). */
function redirect(reply: FastifyReply, location: string, cookies: string[]): void {
  void reply.code(303).header('cache-control', 'no-store').header('location', location).header('set-cookie', cookies).send();
}

/** The callback's parameters Pharos reads itself (the library reads `code` and `iss` from the query). */
function callbackParams(query: unknown): CallbackParams {
  const params = (query ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof params[key] === 'string' ? params[key] : undefined);
  return { state: text('state'), error: text('error')?.slice(0, 100), errorDescription: text('error_description')?.slice(0, 300) };
}

/** Whether the browser reached Pharos over HTTPS (behind a trusted proxy: as it says). */
function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}
