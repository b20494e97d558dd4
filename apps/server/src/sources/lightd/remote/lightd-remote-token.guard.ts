import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LIGHTD_REMOTE_PREFIX } from '@pharos/protocol';
import type { FastifyInstance } from 'fastify';
import { authenticateBeforeBody } from '../../../platform/http/authenticate-before-body';
import type { DocumentedCredential } from '../../../platform/openapi/api-schema';
import { DaemonTokenDirectory, type ReportingDaemon } from './daemon-token-directory';
import { lightdTokenFromAuthorization } from './remote-authorization';

interface LightdRequest {
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  lightdDaemon?: ReportingDaemon;
}

/** The remote token Pharos issued the daemon, sent as Lightd sends it (docs/protocols/lightd-remote.md §1). */
const LIGHTD_REMOTE_CREDENTIAL: DocumentedCredential = {
  name: 'lightdRemoteToken',
  scheme: { type: 'http', scheme: 'bearer', bearerFormat: 'lightd_…', description: "A Lightd daemon's remote token (`remote.token` in its config.json), `Authorization: Bearer lightd_…`" },
};

/** The remote routes as `LightdRemoteController` registers them: at the root and under the prefix. */
const REMOTE_ROUTES = ['', LIGHTD_REMOTE_PREFIX].flatMap((prefix) => ['health', 'update', 'config'].map((call) => `${prefix}/${call}`));

/**
 * Lets a call through only with the remote token of a registered daemon (the routes are
 * `@Public()`). The token is checked before the body is even read (`authenticateBeforeBody`):
 * a caller without one costs no parse of what it sent.
 */
@Injectable()
export class LightdRemoteTokenGuard implements CanActivate, OnModuleInit {
  static readonly credentials = [LIGHTD_REMOTE_CREDENTIAL];

  constructor(
    private readonly directory: DaemonTokenDirectory,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    authenticateBeforeBody(fastify, REMOTE_ROUTES, async (request) => {
      await this.authenticate(request as unknown as LightdRequest);
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<LightdRequest>();
    if (!request.lightdDaemon) await this.authenticate(request);
    return true;
  }

  private async authenticate(request: LightdRequest): Promise<void> {
    const token = lightdTokenFromAuthorization(request.headers.authorization);
    request.lightdDaemon = await this.directory.authenticate(token, request.ip);
  }
}

/** The daemon `LightdRemoteTokenGuard` identified. */
export const CallingDaemon = createParamDecorator(
  (_: unknown, context: ExecutionContext): ReportingDaemon => context.switchToHttp().getRequest<LightdRequest>().lightdDaemon!,
);
