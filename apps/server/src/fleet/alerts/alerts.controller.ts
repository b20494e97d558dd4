import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { AlertData, List, Page } from '@pharos/protocol';
import type { AuthenticatedUser } from '../../identity/access/authenticated-user';
import { CurrentUser } from '../../identity/access/current-user.decorator';
import { Roles } from '../../identity/access/roles.decorator';
import { AlertRulesService, type AlertRuleView, toAlertRuleView } from './alert-rules.service';
import { AlertListQuery, CreateAlertRuleDto, UpdateAlertRuleDto } from './alerts.dto';
import { AlertsService } from './alerts.service';

/** Alert rules, and the alerts (incidents) they raised. */
@Controller('api/v1')
export class AlertsController {
  constructor(
    private readonly rules: AlertRulesService,
    private readonly alerts: AlertsService,
  ) {}

  @Get('alert-rules')
  async list(): Promise<List<AlertRuleView>> {
    return { items: (await this.rules.list()).map(toAlertRuleView) };
  }

  @Post('alert-rules')
  @Roles('admin')
  async create(@Body() body: CreateAlertRuleDto, @CurrentUser() user: AuthenticatedUser): Promise<AlertRuleView> {
    return toAlertRuleView(await this.rules.create(body, user));
  }

  @Get('alert-rules/:id')
  async get(@Param('id') id: string): Promise<AlertRuleView> {
    return toAlertRuleView(await this.rules.get(id));
  }

  @Patch('alert-rules/:id')
  @Roles('admin')
  async update(@Param('id') id: string, @Body() body: UpdateAlertRuleDto, @CurrentUser() user: AuthenticatedUser): Promise<AlertRuleView> {
    return toAlertRuleView(await this.rules.update(id, body, user));
  }

  @Delete('alert-rules/:id')
  @Roles('admin')
  @HttpCode(204)
  async delete(@Param('id') id: string, @CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.rules.delete(id, user);
  }

  /** Alerts, newest first: `?state=firing` for what is wrong now. */
  @Get('alerts')
  async incidents(@Query() query: AlertListQuery): Promise<Page<AlertData>> {
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    return { ...(await this.alerts.incidents({ ...query, limit, offset })), limit, offset };
  }
}
