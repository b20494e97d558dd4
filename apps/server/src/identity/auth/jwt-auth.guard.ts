import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { isDatabaseUnavailable, type UserRole } from '@pharos/database';
import { ForbiddenError, UnauthorizedError } from '../../platform/errors/domain-errors';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { ROLES_KEY } from '../access/roles.decorator';
import { PUBLIC_KEY } from '../../platform/http/public-route';

/**
 * Every HTTP route needs an admin access token unless marked `@Public()`; `@Roles()` narrows
 * it further. Applied globally, so a new controller is closed by default.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    await super.canActivate(context);
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, targets);
    const user = context.switchToHttp().getRequest<{ user: AuthenticatedUser }>().user;
    if (roles && roles.length > 0 && !roles.includes(user.role)) {
      throw new ForbiddenError(`requires role ${roles.join(' or ')}`);
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
