import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NODE_IDENTITY_PATH, NODE_METRICS_PATH, NODE_SECRET_HEADER, NODE_STATIC_PATH } from '@pharos/protocol';
import type { FastifyInstance } from 'fastify';
import { authenticateBeforeBody } from '../../../platform/http/authenticate-before-body';
import type { DocumentedCredential } from '../../../platform/openapi/api-schema';
import { type NodeCredential, NodeSecretsService } from './node-secrets.service';

/** The node's secret, as `POST /api/v1/nodes` answered it (docs/protocols/ithiltir-node.md). */
export const NODE_SECRET_CREDENTIAL: DocumentedCredential = {
  name: 'nodeSecret',
  scheme: { type: 'apiKey', in: 'header', name: 'X-Node-Secret', description: "An Ithiltir node's secret (docs/protocols/ithiltir-node.md)" },
};

interface NodeRequest {
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  ithiltirNode?: NodeCredential;
}

/**
 * Lets a call through only with a valid `X-Node-Secret` (the routes are `@Public()`). The
 * secret is checked before the body is even read (`authenticateBeforeBody`): an unknown caller
 * gets 401 (or 429 from the credential throttle), never a verdict on what it sent, and costs no
 * parse of its body.
 */
@Injectable()
export class NodeSecretGuard implements CanActivate, OnModuleInit {
  static readonly credentials = [NODE_SECRET_CREDENTIAL];

  constructor(
    private readonly secrets: NodeSecretsService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    authenticateBeforeBody(fastify, [NODE_IDENTITY_PATH, NODE_METRICS_PATH, NODE_STATIC_PATH], async (request) => {
      await this.authenticate(request as unknown as NodeRequest);
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<NodeRequest>();
    if (!request.ithiltirNode) await this.authenticate(request);
    return true;
  }

  private async authenticate(request: NodeRequest): Promise<void> {
    request.ithiltirNode = await this.secrets.authenticate(request.headers[NODE_SECRET_HEADER], request.ip);
  }
}

/** The node `NodeSecretGuard` identified. */
export const CallingNode = createParamDecorator(
  (_: unknown, context: ExecutionContext): NodeCredential => context.switchToHttp().getRequest<NodeRequest>().ithiltirNode!,
);
