import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { NODE_IDENTITY_PATH, NODE_METRICS_PATH, NODE_STATIC_PATH, NodeIdentityReply, NodeMetricsReply, NodeReport, NodeStaticReport } from '@pharos/protocol';
import { Public } from '../../../platform/http/public-route';
import { AnswerSchema, BodySchema } from '../../../platform/openapi/api-schema';
import { CallingNode, NodeSecretGuard } from './node-secret.guard';
import { NodeReportsService } from './node-reports.service';
import type { NodeCredential } from './node-secrets.service';

/**
 * What an Ithiltir node calls (Ithiltir-node's push protocol, docs/protocols/ithiltir-node.md): its reports (the
 * release binaries it downloads: `NodeDownloadController`).
 * Not behind the admin JWT: every route wants the node's own `X-Node-Secret`. Success is
 * 200 only, as the node counts it; a refused report (401, 400 naming the field) is lost on the
 * node's side, as the contract has it, and nothing of it is stored.
 */
@Public()
@UseGuards(NodeSecretGuard)
@Controller()
export class NodeProtocolController {
  constructor(private readonly reports: NodeReportsService) {}

  /** The body (`{}`) means nothing; it is declared so that it is validated like the others. */
  @Post(NODE_IDENTITY_PATH)
  @HttpCode(200)
  @AnswerSchema(NodeIdentityReply)
  identity(@Body() _body: unknown): Promise<NodeIdentityReply> {
    return this.reports.identity();
  }

  /** `{"ok":true,"update":null}`, or the manifest of a release for the node. */
  @Post(NODE_METRICS_PATH)
  @HttpCode(200)
  @BodySchema(NodeReport)
  @AnswerSchema(NodeMetricsReply)
  metrics(@CallingNode() node: NodeCredential, @Body() body: unknown): Promise<NodeMetricsReply> {
    return this.reports.storeReport(node, body);
  }

  @Post(NODE_STATIC_PATH)
  @HttpCode(200)
  @BodySchema(NodeStaticReport)
  async static(@CallingNode() node: NodeCredential, @Body() body: unknown): Promise<{ ok: true }> {
    await this.reports.storeStatic(node, body);
    return { ok: true };
  }
}
