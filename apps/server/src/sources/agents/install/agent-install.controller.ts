import { Controller, Get, Header } from '@nestjs/common';
import { PharosConfig } from '../../../platform/config/pharos-config';
import { Public } from '../../../platform/http/public-route';
import { renderInstallScript } from './install-script';

/**
 * `GET /api/v1/agents/install.sh`: the agent's systemd installer, rendered with the public URL
 * (`PHAROS_PUBLIC_URL`). Public: it holds no secret (the key is the script's argument), and a
 * host fetches it with curl.
 */
@Controller('api/v1/agents')
export class AgentInstallController {
  private script?: string;

  constructor(private readonly config: PharosConfig) {}

  @Public()
  @Get('install.sh')
  @Header('Content-Type', 'text/x-shellscript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  installScript(): string {
    this.script ??= renderInstallScript(this.config.publicUrl);
    return this.script;
  }
}
