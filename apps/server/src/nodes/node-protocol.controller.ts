import { Body, Controller, Get, Headers, HttpCode, Param, Post, StreamableFile } from '@nestjs/common';
import {
  NODE_DEPLOY_PATH,
  NODE_IDENTITY_PATH,
  NODE_METRICS_PATH,
  NODE_SECRET_HEADER,
  NODE_STATIC_PATH,
  type NodeIdentityReply,
  type NodeMetricsReply,
} from '@pharos/protocol';
import { Public } from '../auth/roles.decorator';
import { ReleasesService } from '../releases/releases.service';
import { NodeReportsService } from './node-reports.service';
import { NodeSecretsService } from './node-secrets.service';

/**
 * What an Ithiltir node calls (seed 004): its reports, and the release binaries it downloads.
 * Not behind the admin JWT: every route wants the node's own `X-Node-Secret`. Success is
 * 200 only, as the node counts it.
 */
@Public()
@Controller()
export class NodeProtocolController {
  constructor(
    private readonly secrets: NodeSecretsService,
    private readonly reports: NodeReportsService,
    private readonly releases: ReleasesService,
  ) {}

  @Post(NODE_IDENTITY_PATH)
  @HttpCode(200)
  async identity(@Headers(NODE_SECRET_HEADER) secret: string | undefined): Promise<NodeIdentityReply> {
    await this.secrets.authenticate(secret);
    return this.reports.identity();
  }

  /** `{"ok":true,"update":null}`, or the manifest of a release for the node. */
  @Post(NODE_METRICS_PATH)
  @HttpCode(200)
  async metrics(@Headers(NODE_SECRET_HEADER) secret: string | undefined, @Body() body: unknown): Promise<NodeMetricsReply> {
    const node = await this.secrets.authenticate(secret);
    return this.reports.storeReport(node, body);
  }

  @Post(NODE_STATIC_PATH)
  @HttpCode(200)
  async static(@Headers(NODE_SECRET_HEADER) secret: string | undefined, @Body() body: unknown): Promise<{ ok: true }> {
    const node = await this.secrets.authenticate(secret);
    await this.reports.storeStatic(node, body);
    return { ok: true };
  }

  /** A release binary, to nodes only (the node sends its secret when it downloads). */
  @Get(`${NODE_DEPLOY_PATH}/:os/:file`)
  async deploy(
    @Headers(NODE_SECRET_HEADER) secret: string | undefined,
    @Param('os') os: string,
    @Param('file') file: string,
  ): Promise<StreamableFile> {
    await this.secrets.authenticate(secret);
    const binary = await this.releases.download(os, file);
    return new StreamableFile(binary.stream, {
      type: 'application/octet-stream',
      length: binary.size,
      disposition: `attachment; filename="${binary.fileName}"`,
    });
  }
}
