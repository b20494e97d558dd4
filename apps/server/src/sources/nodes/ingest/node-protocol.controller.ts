import { Body, Controller, Get, HttpCode, Param, Post, StreamableFile, UseGuards } from '@nestjs/common';
import { NODE_DEPLOY_PATH, NODE_IDENTITY_PATH, NODE_METRICS_PATH, NODE_STATIC_PATH, type NodeIdentityReply, type NodeMetricsReply } from '@pharos/protocol';
import { Public } from '../../../platform/http/public-route';
import { ReleasesService } from '../../../fleet/releases/releases.service';
import { CallingNode, NodeSecretGuard } from './node-secret.guard';
import { NodeReportsService } from './node-reports.service';
import type { NodeCredential } from './node-secrets.service';

/**
 * What an Ithiltir node calls (Ithiltir-node's push protocol, docs/protocols/ithiltir-node.md): its reports, and the release binaries it downloads.
 * Not behind the admin JWT: every route wants the node's own `X-Node-Secret`. Success is
 * 200 only, as the node counts it; a refused report (401, 400 naming the field) is lost on the
 * node's side, as the contract has it, and nothing of it is stored.
 */
@Public()
@UseGuards(NodeSecretGuard)
@Controller()
export class NodeProtocolController {
  constructor(
    private readonly reports: NodeReportsService,
    private readonly releases: ReleasesService,
  ) {}

  /** The body (`{}`) means nothing; it is declared so that it is validated like the others. */
  @Post(NODE_IDENTITY_PATH)
  @HttpCode(200)
  identity(@Body() _body: unknown): Promise<NodeIdentityReply> {
    return this.reports.identity();
  }

  /** `{"ok":true,"update":null}`, or the manifest of a release for the node. */
  @Post(NODE_METRICS_PATH)
  @HttpCode(200)
  metrics(@CallingNode() node: NodeCredential, @Body() body: unknown): Promise<NodeMetricsReply> {
    return this.reports.storeReport(node, body);
  }

  @Post(NODE_STATIC_PATH)
  @HttpCode(200)
  async static(@CallingNode() node: NodeCredential, @Body() body: unknown): Promise<{ ok: true }> {
    await this.reports.storeStatic(node, body);
    return { ok: true };
  }

  /** A release binary, to nodes only (the node sends its secret when it downloads). */
  @Get(`${NODE_DEPLOY_PATH}/:os/:file`)
  async deploy(@Param('os') os: string, @Param('file') file: string): Promise<StreamableFile> {
    const binary = await this.releases.download(os, file);
    return new StreamableFile(binary.stream, {
      type: 'application/octet-stream',
      length: binary.size,
      disposition: `attachment; filename="${binary.fileName}"`,
    });
  }
}
