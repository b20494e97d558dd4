import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import { NODE_SECRET_HEADER } from '@pharos/protocol';
import { type NodeCredential, NodeSecretsService } from './node-secrets.service';

interface NodeRequest {
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  ithiltirNode?: NodeCredential;
}

/**
 * Lets a call through only with a valid `X-Node-Secret` (the routes are `@Public()`). A guard,
 * so the caller is known before its body is validated: an unknown caller gets 401, never a
 * verdict on what it sent.
 */
@Injectable()
export class NodeSecretGuard implements CanActivate {
  constructor(private readonly secrets: NodeSecretsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<NodeRequest>();
    request.ithiltirNode = await this.secrets.authenticate(request.headers[NODE_SECRET_HEADER], request.ip);
    return true;
  }
}

/** The node `NodeSecretGuard` identified. */
export const CallingNode = createParamDecorator(
  (_: unknown, context: ExecutionContext): NodeCredential => context.switchToHttp().getRequest<NodeRequest>().ithiltirNode!,
);
