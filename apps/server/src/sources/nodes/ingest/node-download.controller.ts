import { Controller, Get, Param, Req, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { NODE_DEPLOY_PATH } from '@pharos/protocol';
import type { FastifyReply } from 'fastify';
import { Public } from '../../../platform/http/public-route';
import { AnswerSchema } from '../../../platform/openapi/api-schema';
import { type ReleaseDownload, ReleasesService } from '../../../fleet/releases/releases.service';
import { installAssetOf, INSTALL_SHA256_HEADER, INSTALL_VERSION_HEADER } from '../install/node-install-scripts';
import { type AuthenticatedDownload, NodeDownloadGuard } from './node-download.guard';

/**
 * The release binaries nodes update themselves from (docs/protocols/ithiltir-node.md §5, §7):
 * to nodes only — with their `X-Node-Secret` (0.2.3 and later), or the `?upgrade_token=` of the
 * URL they were offered (0.2.1, 0.2.2, which send no secret when they download).
 *
 * `node_<os>_<arch>` (`.exe` on Windows), the name the reference Dash's tree has, is what the
 * install scripts fetch with the node's secret: the build that node should run (its release
 * target's version, else the newest), its version and SHA-256 in the reply's headers.
 */
@Public()
@UseGuards(NodeDownloadGuard)
@Controller()
export class NodeDownloadController {
  constructor(private readonly releases: ReleasesService) {}

  @Get(`${NODE_DEPLOY_PATH}/:os/:file`)
  @AnswerSchema({ type: 'string', contentMediaType: 'application/octet-stream' }, 'application/octet-stream')
  async deploy(
    @Param('os') os: string,
    @Param('file') file: string,
    @Req() request: AuthenticatedDownload,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const asset = installAssetOf(os, file);
    if (asset && request.node) {
      const build = await this.releases.installDownload(request.node, asset.os, asset.arch);
      reply.header(INSTALL_VERSION_HEADER, build.version).header(INSTALL_SHA256_HEADER, build.sha256);
      return this.binary(build);
    }
    return this.binary(await this.releases.download(os, file));
  }

  private binary(binary: ReleaseDownload): StreamableFile {
    return new StreamableFile(binary.stream, {
      type: 'application/octet-stream',
      length: binary.size,
      disposition: `attachment; filename="${binary.fileName}"`,
    });
  }
}
