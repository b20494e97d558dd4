import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { AlertData, AlertRuleView, List, Page, SilenceView } from '@pharos/protocol';
import type { AuthenticatedUser } from '../../identity/access/authenticated-user';
import { CurrentUser } from '../../identity/access/current-user.decorator';
import { Roles } from '../../identity/access/roles.decorator';
import { InvalidInputError } from '../../platform/errors/domain-errors';
import { isMetricSeries, METRIC_SERIES_NAMES } from '../metrics/metric-series';
import { AlertRulesService, toAlertRuleView } from './alert-rules.service';
import { AlertSilencesService, toSilenceView } from './alert-silences.service';
import { AlertListQuery, CreateAlertRuleDto, CreateSilenceDto, PreviewRuleDto, UpdateAlertRuleDto } from './alerts.dto';
import { AlertsService } from './alerts.service';

/**
 * Alert rules, the alerts (incidents) they raised, silences and the rule preview, under
 * /api/v1/alerts/…; the older /api/v1/alert-rules and /api/v1/alerts stay as they were.
 * Channels are outbound/notifications' (/api/v1/alerts/channels).
 */
@Controller('api/v1')
export class AlertsController {
  constructor(
    private readonly rules: AlertRulesService,
    private readonly alerts: AlertsService,
    private readonly silences: AlertSilencesService,
  ) {}

  @Get(['alert-rules', 'alerts/rules'])
  async list(): Promise<List<AlertRuleView>> {
    return { items: (await this.rules.list()).map(toAlertRuleView) };
  }

  @Post(['alert-rules', 'alerts/rules'])
  @Roles('admin')
  async create(@Body() body: CreateAlertRuleDto, @CurrentUser() user: AuthenticatedUser): Promise<AlertRuleView> {
    return toAlertRuleView(await this.rules.create(body, user));
  }

  /** What the rule would say now: each server's current value, and whether it would fire. */
  @Post('alerts/rules/preview')
  @HttpCode(200)
  async preview(@Body() body: PreviewRuleDto) {
    const kind = body.kind ?? 'threshold';
    if (kind === 'threshold' && !isMetricSeries(body.metric)) throw new InvalidInputError(`unknown metric "${body.metric}"; known: ${METRIC_SERIES_NAMES.join(', ')}`, 'metric');
    return { items: await this.alerts.preview({ kind, metric: body.metric, op: body.op, threshold: body.threshold, serverId: body.serverId ?? null, group: body.group ?? null, tag: body.tag ?? null }) };
  }

  @Get(['alert-rules/:id', 'alerts/rules/:id'])
  async get(@Param('id') id: string): Promise<AlertRuleView> {
    return toAlertRuleView(await this.rules.get(id));
  }

  @Patch(['alert-rules/:id', 'alerts/rules/:id'])
  @Roles('admin')
  async update(@Param('id') id: string, @Body() body: UpdateAlertRuleDto, @CurrentUser() user: AuthenticatedUser): Promise<AlertRuleView> {
    return toAlertRuleView(await this.rules.update(id, body, user));
  }

  @Delete(['alert-rules/:id', 'alerts/rules/:id'])
  @Roles('admin')
  @HttpCode(204)
  async delete(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.rules.delete(id, user);
  }

  /** Alerts, newest first: `?state=firing` for what is wrong now; `serverId`, `severity` filter. */
  @Get(['alerts', 'alerts/incidents'])
  async incidents(@Query() query: AlertListQuery): Promise<Page<AlertData>> {
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    return { ...(await this.alerts.incidents({ ...query, limit, offset })), limit, offset };
  }

  @Get('alerts/silences')
  async listSilences(): Promise<List<SilenceView>> {
    return { items: (await this.silences.list()).map((s) => toSilenceView(s)) };
  }

  @Post('alerts/silences')
  @Roles('admin')
  async createSilence(@Body() body: CreateSilenceDto, @CurrentUser() user: AuthenticatedUser): Promise<SilenceView> {
    return toSilenceView(await this.silences.create(body, user));
  }

  @Delete('alerts/silences/:id')
  @Roles('admin')
  @HttpCode(204)
  async deleteSilence(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.silences.delete(id, user);
  }
}
