import { Body, Controller, Delete, Get, HttpCode, Ip, Post, Req, Res } from '@nestjs/common';
import type { LoginAnswer, SessionTokens } from '@pharos/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInputError, NotFoundError, UnauthorizedError } from '../../platform/errors/domain-errors';
import { toUserView, type UserView, UsersService } from '../users/users.service';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { LoginDto, LogoutDto, RefreshDto } from './auth.dto';
import { AuthService, type TokenPair } from './auth.service';
import { CurrentUser } from '../access/current-user.decorator';
import { Public } from '../../platform/http/public-route';
import { clearedRefreshCookie, readRefreshCookie, refreshCookie } from './refresh-cookie';

/**
 * Sign-in and sessions. API clients hold their refresh token themselves (JSON bodies); the
 * dashboard asks for it as a cookie (`refresh-cookie.ts`) and never sees it.
 */
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: LoginDto, @Ip() ip: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<LoginAnswer> {
    const answer = await this.auth.login(body.username, body.password, ip, request.headers['user-agent']);
    // A two-factor challenge has no refresh token yet: the second step sets the cookie.
    return body.refreshCookie && 'refreshToken' in answer ? inCookie(answer, request, reply) : answer;
  }

  /** Trades a refresh token for a new pair: the body's, or else the cookie's (answered as a cookie again). */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  async refresh(@Body() body: RefreshDto, @Ip() ip: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionTokens> {
    const userAgent = request.headers['user-agent'];
    if (body.refreshToken !== undefined) return this.auth.refresh(body.refreshToken, ip, userAgent);
    const token = readRefreshCookie(request.headers.cookie);
    if (!token) throw new InvalidInputError('refreshToken is required (in the body, or as the session cookie)', 'refreshToken');
    try {
      return inCookie(await this.auth.refresh(token, ip, userAgent), request, reply);
    } catch (error) {
      // A refused cookie is over: the browser drops it (a store failure keeps it for a retry).
      if (error instanceof UnauthorizedError) reply.header('set-cookie', clearedRefreshCookie(isHttps(request)));
      throw error;
    }
  }

  /** Signs the dashboard out: ends the cookie's session (its whole family) and drops the cookie. */
  @Public()
  @Delete('refresh')
  @HttpCode(204)
  async endCookieSession(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const token = readRefreshCookie(request.headers.cookie);
    if (token) await this.auth.logout(token);
    reply.header('set-cookie', clearedRefreshCookie(isHttps(request)));
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(@Body() body: LogoutDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Get('me')
  async me(@CurrentUser() current: AuthenticatedUser): Promise<UserView> {
    const user = await this.users.findById(current.id);
    if (!user) throw new NotFoundError('user no longer exists');
    return toUserView(user);
  }
}

/** The pair with its refresh token moved from the body into the cookie (also after a two-factor step). */
export function inCookie({ refreshToken, ...rest }: TokenPair, request: FastifyRequest, reply: FastifyReply): SessionTokens {
  reply.header('set-cookie', refreshCookie(refreshToken, rest.refreshExpiresIn, isHttps(request)));
  return rest;
}

/** Whether the browser reached Pharos over HTTPS (behind a trusted proxy: as it says). */
function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}
