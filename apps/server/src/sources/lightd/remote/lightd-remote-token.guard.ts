import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import { DaemonTokenDirectory, type ReportingDaemon } from './daemon-token-directory';
import { lightdTokenFromAuthorization } from './remote-authorization';

interface LightdRequest {
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  lightdDaemon?: ReportingDaemon;
}

/** Lets a call through only with the remote token of a registered daemon (the routes are `@Public()`). */
@Injectable()
export class LightdRemoteTokenGuard implements CanActivate {
  constructor(private readonly directory: DaemonTokenDirectory) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<LightdRequest>();
    const token = lightdTokenFromAuthorization(request.headers.authorization);
    request.lightdDaemon = await this.directory.authenticate(token, request.ip);
    return true;
  }
}

/** The daemon `LightdRemoteTokenGuard` identified. */
export const CallingDaemon = createParamDecorator(
  (_: unknown, context: ExecutionContext): ReportingDaemon => context.switchToHttp().getRequest<LightdRequest>().lightdDaemon!,
);
