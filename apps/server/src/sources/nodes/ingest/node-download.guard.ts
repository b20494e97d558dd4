import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { NODE_SECRET_HEADER, NODE_UPGRADE_TOKEN_PARAM } from '@pharos/protocol';
import { UnauthorizedError } from '../../../platform/errors/domain-errors';
import { UpdateOffersService } from '../../../fleet/releases/update-offers.service';
import type { DocumentedCredential } from '../../../platform/openapi/api-schema';
import { NODE_SECRET_CREDENTIAL } from './node-secret.guard';
import { type NodeCredential, NodeSecretsService } from './node-secrets.service';

/** What nodes before 0.2.3 download with instead of their secret: the token of the URL they were offered. */
const UPGRADE_TOKEN_CREDENTIAL: DocumentedCredential = {
  name: 'nodeUpgradeToken',
  scheme: { type: 'apiKey', in: 'query', name: NODE_UPGRADE_TOKEN_PARAM, description: 'The upgrade token of an offered download URL (nodes before 0.2.3)' },
};

interface DownloadRequest {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  params: Record<string, string>;
  ip: string;
}

/** A download request once through the guard: `node` is set when it came with a valid secret. */
export interface AuthenticatedDownload {
  node?: NodeCredential;
}

/** A token is 32 hex characters; anything else is refused before a lookup. */
const TOKEN = /^[0-9a-f]{32}$/;

/**
 * Lets a download through with a valid `X-Node-Secret`, or, without one, with an upgrade
 * token issued for exactly this file and not expired (nodes before 0.2.3, §5).
 */
@Injectable()
export class NodeDownloadGuard implements CanActivate {
  static readonly credentials = [NODE_SECRET_CREDENTIAL, UPGRADE_TOKEN_CREDENTIAL];

  constructor(
    private readonly secrets: NodeSecretsService,
    private readonly offers: UpdateOffersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<DownloadRequest & AuthenticatedDownload>();
    const token = request.query[NODE_UPGRADE_TOKEN_PARAM];
    if (request.headers[NODE_SECRET_HEADER] !== undefined || token === undefined) {
      request.node = await this.secrets.authenticate(request.headers[NODE_SECRET_HEADER], request.ip);
      return true;
    }
    if (typeof token !== 'string' || !TOKEN.test(token) || !(await this.offers.acceptUpgradeToken(token, request.params.os ?? '', request.params.file ?? ''))) {
      throw new UnauthorizedError(`${NODE_UPGRADE_TOKEN_PARAM} is unknown, expired or for another file`);
    }
    return true;
  }
}
