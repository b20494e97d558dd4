import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { isDatabaseUnavailable, type UserRole } from '@pharos/database';
import type { ApiTokenScope } from '@pharos/protocol';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../../platform/errors/domain-errors';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { requiredScope, SCOPE_KEY, scopesGrant, SESSION_ONLY_KEY } from '../access/api-token-scope';
import { ROLES_KEY } from '../access/roles.decorator';
import { API_TOKEN_PREFIX, ApiTokensService } from '../api-tokens/api-tokens.service';
import { PUBLIC_KEY } from '../../platform/http/public-route';

/**
 * Every HTTP route needs an admin access token unless marked `@Public()`; `@Roles()` narrows
 * it further. Applied globally, so a new controller is closed by default. A personal API token
 * (`Bearer pat_…`) stands in for an access token where it has the route's scope
 * (`access/api-token-scope.ts`), never on `@SessionOnly()` routes.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiTokens: ApiTokensService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user: AuthenticatedUser }>();
    const apiToken = bearerApiToken(request.headers.authorization);
    if (apiToken) request.user = await this.apiTokens.authenticate(apiToken, request.ip);
    else await super.canActivate(context);
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, targets);
    const user = request.user;
    if (roles && roles.length > 0 && !roles.includes(user.role)) {
      throw new ForbiddenError(`requires role ${roles.join(' or ')}`);
    }
    if (user.apiToken) {
      if (this.reflector.getAllAndOverride<boolean>(SESSION_ONLY_KEY, targets)) {
        throw new ForbiddenError('this route needs a signed-in session, not an API token');
      }
      const needed = requiredScope(request.method, roles, this.reflector.getAllAndOverride<ApiTokenScope | undefined>(SCOPE_KEY, targets));
      if (!scopesGrant(user.apiToken.scopes, needed)) throw new ForbiddenError(`this API token lacks the scope "${needed}"`);
    }
    return true;
  }

  override handleRequest<T>(error: unknown, user: T | false, info: unknown): T {
    // A database that cannot be asked who the user is: a 503 (HttpErrorFilter), not a bad token.
    if (error instanceof UnauthorizedError || isDatabaseUnavailable(error)) throw error;
    if (error || !user) {
      const reason = (info as Error | undefined)?.message;
      if (reason === 'jwt expired') throw new UnauthorizedError('access token expired');
      if (reason === 'No auth token') throw new UnauthorizedError('missing access token (Authorization: Bearer …)');
      throw new UnauthorizedError('invalid access token');
    }
    return user;
  }
}

/** The personal API token of an `Authorization: Bearer pat_…` header, if that is what it holds. */
function bearerApiToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1]?.startsWith(API_TOKEN_PREFIX) ? match[1] : undefined;
}
