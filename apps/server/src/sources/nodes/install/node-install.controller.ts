import { Controller, Get, Header } from '@nestjs/common';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { Public } from '../../../platform/http/public-route';
import { AnswerSchema } from '../../../platform/openapi/api-schema';
import { NODE_INSTALL_SCRIPTS, type NodeInstallPlatform, renderNodeInstallScript } from './node-install-scripts';

/**
 * `GET /deploy/linux/install.sh`, `/deploy/macos/install.sh`, `/deploy/windows/install.ps1`:
 * the node installers, rendered with the public URL (`PHAROS_PUBLIC_URL`). Public, as the
 * reference Dash's are: they hold no secret (the node's is their argument). Rendered once.
 */
@Public()
@Controller()
export class NodeInstallController {
  private readonly rendered = new Map<NodeInstallPlatform, string>();

  constructor(private readonly config: PharosConfig) {}

  @Get(NODE_INSTALL_SCRIPTS.linux.path)
  @AnswerSchema({ type: 'string' }, 'text/x-shellscript')
  @Header('Content-Type', NODE_INSTALL_SCRIPTS.linux.contentType)
  @Header('Cache-Control', 'no-cache')
  linux(): string {
    return this.script('linux');
  }

  @Get(NODE_INSTALL_SCRIPTS.macos.path)
  @AnswerSchema({ type: 'string' }, 'text/x-shellscript')
  @Header('Content-Type', NODE_INSTALL_SCRIPTS.macos.contentType)
  @Header('Cache-Control', 'no-cache')
  macos(): string {
    return this.script('macos');
  }

  @Get(NODE_INSTALL_SCRIPTS.windows.path)
  @AnswerSchema({ type: 'string' }, 'text/plain')
  @Header('Content-Type', NODE_INSTALL_SCRIPTS.windows.contentType)
  @Header('Cache-Control', 'no-cache')
  windows(): string {
    return this.script('windows');
  }

  private script(platform: NodeInstallPlatform): string {
    let script = this.rendered.get(platform);
    if (script === undefined) this.rendered.set(platform, (script = renderNodeInstallScript(platform, this.config.publicUrl)));
    return script;
  }
}
