import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { AlertRule, AlertSeverity } from '@pharos/database';
import type { AlertRuleView } from '@pharos/protocol';
import { Transactions } from '../../platform/database/transactions';
import { FleetEventBus } from '../../platform/events/fleet-event-bus';
import { ConflictError, InvalidInputError, NotFoundError } from '../../platform/errors/domain-errors';
import { type AuditActor, AuditLogService } from '../../identity/audit/audit-log.service';
import { isMetricSeries, METRIC_SERIES_NAMES } from '../metrics/metric-series';
import { isUuid } from '../../platform/http/uuid';
import { ServersService } from '../servers/servers.service';
import { NotificationStore } from '../notifications/notification.store';
import { ALERT_OPS, type AlertOp } from './alert-condition';
import { type AlertKind, isBuiltIn } from './alert-kinds';
import { AlertStore } from './alert.store';

export function toAlertRuleView(rule: AlertRule): AlertRuleView {
  return {
    id: rule.id,
    kind: rule.kind as AlertKind,
    builtIn: isBuiltIn(rule.kind),
    name: rule.name,
    metric: rule.metric,
    op: rule.op as AlertOp,
    threshold: rule.threshold,
    forSeconds: rule.forSeconds,
    serverId: rule.serverId,
    group: rule.group,
    tag: rule.tag,
    severity: rule.severity,
    enabled: rule.enabled,
    cooldownSeconds: rule.cooldownSeconds,
    repeatSeconds: rule.repeatSeconds,
    notifyResolved: rule.notifyResolved,
    channelIds: rule.channelIds,
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
  tag?: string | null;
  severity?: AlertSeverity;
  enabled?: boolean;
  cooldownSeconds?: number;
  repeatSeconds?: number;
  notifyResolved?: boolean;
  channelIds?: string[];
}

type RuleListener = (ruleId: string) => void;

/**
 * Alert rules: which series of which servers (one, a group, or all) must stay on which side
 * of a threshold. The evaluator keeps the enabled ones in memory and hears of every change.
 */
@Injectable()
export class AlertRulesService implements OnModuleInit, OnModuleDestroy {
  private readonly listeners = new Set<RuleListener>();
  private unsubscribe?: () => void;

  constructor(
    private readonly store: AlertStore,
    private readonly transactions: Transactions,
    private readonly servers: ServersService,
    private readonly audit: AuditLogService,
    private readonly channels: NotificationStore,
    private readonly bus: FleetEventBus,
  ) {}

  /** Cluster: a rule changed on any instance is reloaded by the evaluator of every instance. */
  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribeAll('alert.rule-changed', (_, ruleId) => {
      for (const listener of this.listeners) listener(ruleId);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

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
    await this.check({ ...input, kind: 'threshold' });
    const rule = await this.transactions.run(async (tx) => {
      const created = await this.store.createRule(
        {
          kind: 'threshold',
          name: input.name,
          metric: input.metric,
          op: input.op,
          threshold: input.threshold,
          forSeconds: input.forSeconds ?? 0,
          serverId: input.serverId ?? null,
          group: input.group ?? null,
          tag: input.tag ?? null,
          severity: input.severity ?? 'warning',
          enabled: input.enabled ?? true,
          cooldownSeconds: input.cooldownSeconds ?? 300,
          repeatSeconds: input.repeatSeconds ?? 0,
          notifyResolved: input.notifyResolved ?? true,
          channelIds: input.channelIds ?? [],
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
    if (isBuiltIn(current.kind) && changes.metric !== undefined && changes.metric !== current.metric) {
      throw new InvalidInputError(`the built-in rule "${current.name}" watches ${current.metric}; its metric cannot change`, 'metric');
    }
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
    if (isBuiltIn(rule.kind)) throw new ConflictError(`"${rule.name}" is a built-in rule: disable it instead (enabled: false)`);
    await this.transactions.run(async (tx) => {
      await this.store.deleteRule(id, tx);
      await this.audit.record(actor, 'alert_rule.delete', { type: 'alert_rule', id }, { name: rule.name }, tx);
    });
    this.changed(id);
  }

  private async check(rule: Pick<AlertRuleInput, 'metric' | 'op' | 'serverId' | 'group' | 'tag' | 'channelIds'> & { kind: string }): Promise<void> {
    if (rule.kind === 'threshold' && !isMetricSeries(rule.metric)) throw new InvalidInputError(`unknown metric "${rule.metric}"; known: ${METRIC_SERIES_NAMES.join(', ')}`, 'metric');
    if (!ALERT_OPS.includes(rule.op)) throw new InvalidInputError(`op must be one of ${ALERT_OPS.join(', ')}`, 'op');
    if ([rule.serverId, rule.group, rule.tag].filter(Boolean).length > 1) throw new InvalidInputError('a rule applies to one server, one group, one tag or the whole fleet', 'group');
    const channelIds = rule.channelIds ?? [];
    if (channelIds.length) {
      const found = new Set((await this.channels.channelsByIds(channelIds)).map((c) => c.id));
      const missing = channelIds.find((c) => !found.has(c));
      if (missing) throw new InvalidInputError(`channel ${missing} not found`, 'channelIds');
    }
    if (rule.serverId) {
      await this.servers.get(rule.serverId).catch(() => {
        throw new InvalidInputError(`server ${rule.serverId} not found`, 'serverId');
      });
    }
  }

  private changed(ruleId: string): void {
    this.bus.publish('alert.rule-changed', ruleId, {});
  }
}
