import { Controller, Get, Param, StreamableFile, UseGuards } from '@nestjs/common';
import { NODE_DEPLOY_PATH } from '@pharos/protocol';
import { Public } from '../../../platform/http/public-route';
import { AnswerSchema } from '../../../platform/openapi/api-schema';
import { ReleasesService } from '../../../fleet/releases/releases.service';
import { NodeDownloadGuard } from './node-download.guard';

/**
 * The release binaries nodes update themselves from (docs/protocols/ithiltir-node.md §5, §7):
 * to nodes only — with their `X-Node-Secret` (0.2.3 and later), or the `?upgrade_token=` of the
 * URL they were offered (0.2.1, 0.2.2, which send no secret when they download).
 */
@Public()
@UseGuards(NodeDownloadGuard)
@Controller()
export class NodeDownloadController {
  constructor(private readonly releases: ReleasesService) {}

  @Get(`${NODE_DEPLOY_PATH}/:os/:file`)
  @AnswerSchema({ type: 'string', contentMediaType: 'application/octet-stream' }, 'application/octet-stream')
  async deploy(@Param('os') os: string, @Param('file') file: string): Promise<StreamableFile> {
    const binary = await this.releases.download(os, file);
    return new StreamableFile(binary.stream, {
      type: 'application/octet-stream',
      length: binary.size,
      disposition: `attachment; filename="${binary.fileName}"`,
    });
  }
}
