import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import { UnauthorizedError } from '../../errors/domain-errors';
import { DaemonTokenDirectory, type ReportingDaemon } from './daemon-token-directory';
import { lightdTokenFromAuthorization } from './remote-authorization';

interface LightdRequest {
  headers: Record<string, string | string[] | undefined>;
  lightdDaemon?: ReportingDaemon;
}

/** Lets a call through only with the remote token of a registered daemon (the routes are `@Public()`). */
@Injectable()
export class LightdRemoteTokenGuard implements CanActivate {
  constructor(private readonly directory: DaemonTokenDirectory) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<LightdRequest>();
    const token = lightdTokenFromAuthorization(request.headers.authorization);
    const daemon = await this.directory.find(token);
    if (!daemon) throw new UnauthorizedError('invalid token: no daemon is registered with it');
    request.lightdDaemon = daemon;
    return true;
  }
}

/** The daemon `LightdRemoteTokenGuard` identified. */
export const CallingDaemon = createParamDecorator(
  (_: unknown, context: ExecutionContext): ReportingDaemon => context.switchToHttp().getRequest<LightdRequest>().lightdDaemon!,
);
