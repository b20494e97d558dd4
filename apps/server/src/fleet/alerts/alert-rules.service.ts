import { Injectable } from '@nestjs/common';
import type { AlertRule, AlertSeverity } from '@pharos/database';
import { Transactions } from '../../platform/database/transactions';
import { InvalidInputError, NotFoundError } from '../../platform/errors/domain-errors';
import { type AuditActor, AuditLogService } from '../../identity/audit/audit-log.service';
import { isMetricSeries, METRIC_SERIES_NAMES } from '../metrics/metric-series';
import { isUuid } from '../../platform/http/uuid';
import { ServersService } from '../servers/servers.service';
import { ALERT_OPS, type AlertOp } from './alert-condition';
import { AlertStore } from './alert.store';

export interface AlertRuleView {
  id: string;
  name: string;
  metric: string;
  op: AlertOp;
  threshold: number;
  forSeconds: number;
  serverId: string | null;
  group: string | null;
  severity: AlertSeverity;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toAlertRuleView(rule: AlertRule): AlertRuleView {
  return {
    id: rule.id,
    name: rule.name,
    metric: rule.metric,
    op: rule.op as AlertOp,
    threshold: rule.threshold,
    forSeconds: rule.forSeconds,
    serverId: rule.serverId,
    group: rule.group,
    severity: rule.severity,
    enabled: rule.enabled,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}

export interface AlertRuleInput {
  name: string;
  metric: string;
  op: AlertOp;
  threshold: number;
  forSeconds?: number;
  serverId?: string | null;
  group?: string | null;
  severity?: AlertSeverity;
  enabled?: boolean;
}

type RuleListener = (ruleId: string) => void;

/**
 * Alert rules: which series of which servers (one, a group, or all) must stay on which side
 * of a threshold. The evaluator keeps the enabled ones in memory and hears of every change.
 */
@Injectable()
export class AlertRulesService {
  private readonly listeners = new Set<RuleListener>();

  constructor(
    private readonly store: AlertStore,
    private readonly transactions: Transactions,
    private readonly servers: ServersService,
    private readonly audit: AuditLogService,
  ) {}

  onChanged(listener: RuleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): Promise<AlertRule[]> {
    return this.store.rules();
  }

  enabled(): Promise<AlertRule[]> {
    return this.store.enabledRules();
  }

  async get(id: string): Promise<AlertRule> {
    const rule = isUuid(id) ? await this.store.rule(id) : null;
    if (!rule) throw new NotFoundError(`alert rule ${id} not found`);
    return rule;
  }

  async create(input: AlertRuleInput, actor: AuditActor): Promise<AlertRule> {
    await this.check(input);
    const rule = await this.transactions.run(async (tx) => {
      const created = await this.store.createRule(
        {
          name: input.name,
          metric: input.metric,
          op: input.op,
          threshold: input.threshold,
          forSeconds: input.forSeconds ?? 0,
          serverId: input.serverId ?? null,
          group: input.group ?? null,
          severity: input.severity ?? 'warning',
          enabled: input.enabled ?? true,
          createdById: actor.id,
        },
        tx,
      );
      await this.audit.record(actor, 'alert_rule.create', { type: 'alert_rule', id: created.id }, { ...input }, tx);
      return created;
    });
    this.changed(rule.id);
    return rule;
  }

  async update(id: string, patch: Partial<AlertRuleInput>, actor: AuditActor): Promise<AlertRule> {
    // Absent fields stay as they are (a DTO instance carries them as undefined).
    const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<AlertRuleInput>;
    const current = await this.get(id);
    await this.check({ ...toAlertRuleView(current), ...changes });
    const rule = await this.transactions.run(async (tx) => {
      const updated = await this.store.updateRule(id, changes, tx);
      await this.audit.record(actor, 'alert_rule.update', { type: 'alert_rule', id }, { ...changes }, tx);
      return updated;
    });
    this.changed(id);
    return rule;
  }

  async delete(id: string, actor: AuditActor): Promise<void> {
    const rule = await this.get(id);
    await this.transactions.run(async (tx) => {
      await this.store.deleteRule(id, tx);
      await this.audit.record(actor, 'alert_rule.delete', { type: 'alert_rule', id }, { name: rule.name }, tx);
    });
    this.changed(id);
  }

  private async check(rule: Pick<AlertRuleInput, 'metric' | 'op' | 'serverId' | 'group'>): Promise<void> {
    if (!isMetricSeries(rule.metric)) throw new InvalidInputError(`unknown metric "${rule.metric}"; known: ${METRIC_SERIES_NAMES.join(', ')}`, 'metric');
    if (!ALERT_OPS.includes(rule.op)) throw new InvalidInputError(`op must be one of ${ALERT_OPS.join(', ')}`, 'op');
    if (rule.serverId && rule.group) throw new InvalidInputError('a rule applies to one server or one group, not both', 'group');
    if (rule.serverId) {
      await this.servers.get(rule.serverId).catch(() => {
        throw new InvalidInputError(`server ${rule.serverId} not found`, 'serverId');
      });
    }
  }

  private changed(ruleId: string): void {
    for (const listener of this.listeners) listener(ruleId);
  }
}
