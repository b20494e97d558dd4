import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  LIGHTD_ACCEPTED_ANSWER,
  LIGHTD_HEALTH_ANSWER,
  LIGHTD_REMOTE_PREFIX,
  LightdAcceptedAnswer,
  LightdConfigReport,
  LightdHealthAnswer,
  LightdRemoteEventBody,
  type LightdRemoteConfig,
} from '@pharos/protocol';
import { Public } from '../../../platform/http/public-route';
import { AnswerSchema, BodySchema } from '../../../platform/openapi/api-schema';
import type { ReportingDaemon } from './daemon-token-directory';
import { CallingDaemon, LightdRemoteTokenGuard } from './lightd-remote-token.guard';
import { LightdRemoteService } from './lightd-remote.service';

/**
 * The remote Lightd daemons report to (Lightd's remote sync, docs/protocols/lightd-remote.md §2): `{url}/health`, `{url}/update`,
 * `{url}/config`. Served at the root, as Lightd's design card has it, and under
 * `/api/lightd` so the remote URL can sit behind the dashboard's host; same handlers.
 */
@Public()
@UseGuards(LightdRemoteTokenGuard)
@Controller(['', LIGHTD_REMOTE_PREFIX.slice(1)])
export class LightdRemoteController {
  constructor(private readonly remote: LightdRemoteService) {}

  @Get('health')
  @AnswerSchema(LightdHealthAnswer)
  async health(@CallingDaemon() daemon: ReportingDaemon): Promise<LightdHealthAnswer> {
    await this.remote.recordHealthCheck(daemon);
    return LIGHTD_HEALTH_ANSWER;
  }

  @Post('update')
  @HttpCode(200)
  @BodySchema(LightdRemoteEventBody)
  @AnswerSchema(LightdAcceptedAnswer)
  async update(@CallingDaemon() daemon: ReportingDaemon, @Body() body: unknown): Promise<LightdAcceptedAnswer> {
    await this.remote.receiveUpdate(daemon, body);
    return LIGHTD_ACCEPTED_ANSWER;
  }

  @Get('config')
  config(@CallingDaemon() daemon: ReportingDaemon): Promise<LightdRemoteConfig> {
    return this.remote.configFor(daemon);
  }

  @Post('config')
  @HttpCode(200)
  @BodySchema(LightdConfigReport)
  @AnswerSchema(LightdAcceptedAnswer)
  async saveConfig(@CallingDaemon() daemon: ReportingDaemon, @Body() body: unknown): Promise<LightdAcceptedAnswer> {
    await this.remote.receiveConfig(daemon, body);
    return LIGHTD_ACCEPTED_ANSWER;
  }
}
