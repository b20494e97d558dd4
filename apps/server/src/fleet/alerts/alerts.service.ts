import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { AlertIncident, AlertRule } from '@pharos/database';
import type { AlertData, LiveMetricsData } from '@pharos/protocol';
import { EventLogService } from '../event-log/event-log.service';
import { FleetEventBus } from '../../platform/events/fleet-event-bus';
import { ServersService } from '../servers/servers.service';
import { type AlertOp, AlertTracker, breaches, opSymbol } from './alert-condition';
import { AlertRulesService } from './alert-rules.service';
import { AlertStore, type IncidentQuery } from './alert.store';

export type { IncidentQuery };

/** How long a server's group is remembered for group-scoped rules. */
const GROUP_CACHE_MS = 30_000;

export function toAlertData(incident: AlertIncident, state: AlertData['state'] = incident.resolvedAt ? 'resolved' : 'firing'): AlertData {
  const value = state === 'resolved' ? (incident.resolvedValue ?? incident.value) : incident.value;
  const symbol = opSymbol(incident.op as AlertOp);
  return {
    id: incident.id,
    server_id: incident.serverId,
    rule: incident.ruleName,
    ...(incident.ruleId ? { rule_id: incident.ruleId } : {}),
    metric: incident.metric,
    severity: incident.severity,
    message:
      state === 'firing'
        ? `${incident.ruleName}: ${incident.metric} ${round(value)} ${symbol} ${incident.threshold}`
        : `${incident.ruleName} resolved: ${incident.metric} ${round(value)}`,
    value,
    threshold: incident.threshold,
    state,
    timestamp: (state === 'resolved' ? incident.resolvedAt! : incident.firedAt).toISOString(),
  };
}

/**
 * Alerting: every metrics sample on the bus, whatever its source, is checked against the
 * enabled rules for its server. A rule that fires opens an incident (stored), adds an entry to
 * the server's event log and publishes an `alert` event for the server's metrics sockets; the
 * first clear sample resolves it the same way. Samples of one server are evaluated in order.
 */
@Injectable()
export class AlertsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AlertsService.name);
  private rules: AlertRule[] = [];
  private readonly trackers = new Map<string, AlertTracker>();
  /** Open incident id per tracker key. */
  private readonly open = new Map<string, string>();
  private readonly groups = new Map<string, { group: string | null; until: number }>();
  private readonly queues = new Map<string, Promise<void>>();
  private ready: Promise<void> = Promise.resolve();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly store: AlertStore,
    private readonly alertRules: AlertRulesService,
    private readonly servers: ServersService,
    private readonly eventLog: EventLogService,
    private readonly bus: FleetEventBus,
  ) {}

  onModuleInit(): void {
    this.ready = this.load();
    // Cluster: samples are evaluated by the instance that stored them (its agent's), once.
    this.unsubscribe.push(this.bus.subscribeAll('metrics', (sample, serverId) => this.enqueue(serverId, () => this.evaluate(serverId, sample)), 'instance'));
    this.unsubscribe.push(this.alertRules.onChanged((ruleId) => this.enqueueAll(() => this.ruleChanged(ruleId))));
  }

  async onModuleDestroy(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await Promise.allSettled([...this.queues.values()]);
  }

  /** The alerts of a server that are firing now. */
  async firing(serverId: string): Promise<AlertData[]> {
    const incidents = await this.store.firing(serverId);
    return incidents.map((i) => toAlertData(i));
  }

  async incidents(query: IncidentQuery): Promise<{ items: AlertData[]; total: number }> {
    const { items, total } = await this.store.incidents(query);
    return { items: items.map((i) => toAlertData(i)), total };
  }

  private async load(): Promise<void> {
    try {
      this.rules = await this.alertRules.enabled();
      const openIncidents = await this.store.openWithRule();
      for (const incident of openIncidents) {
        const key = trackerKey(incident.ruleId!, incident.serverId);
        this.trackers.set(key, new AlertTracker(true));
        this.open.set(key, incident.id);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'could not load alert rules');
    }
  }

  private enqueue(serverId: string, work: () => Promise<void>): void {
    const previous = this.queues.get(serverId);
    const next = (previous ? Promise.all([previous, this.ready]) : this.ready)
      .then(work)
      .catch((error: unknown) => this.logger.error({ err: error, serverId }, 'alert evaluation failed'))
      .finally(() => {
        if (this.queues.get(serverId) === next) this.queues.delete(serverId);
      });
    this.queues.set(serverId, next);
  }

  /** Rule changes wait for evaluations in flight, and later samples wait for them. */
  private enqueueAll(work: () => Promise<void>): void {
    const done = Promise.allSettled([this.ready, ...this.queues.values()]).then(work);
    this.ready = done.catch((error: unknown) => this.logger.error({ err: error }, 'alert rule reload failed'));
  }

  private async evaluate(serverId: string, sample: LiveMetricsData): Promise<void> {
    if (this.rules.length === 0) return;
    const now = Date.now();
    let group: string | null | undefined;
    for (const rule of this.rules) {
      if (rule.serverId && rule.serverId !== serverId) continue;
      if (rule.group) {
        group ??= await this.groupOf(serverId, now);
        if (group !== rule.group) continue;
      }
      const value = (sample as unknown as Record<string, unknown>)[rule.metric];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const key = trackerKey(rule.id, serverId);
      let tracker = this.trackers.get(key);
      if (!tracker) this.trackers.set(key, (tracker = new AlertTracker()));
      const change = tracker.observe(breaches(rule.op as AlertOp, value, rule.threshold), now, rule.forSeconds);
      if (change === 'fire') await this.fire(rule, serverId, value, key);
      else if (change === 'resolve') await this.resolve(key, serverId, value);
    }
  }

  private async fire(rule: AlertRule, serverId: string, value: number, key: string): Promise<void> {
    const incident = await this.store.open({
      ruleId: rule.id,
      serverId,
      ruleName: rule.name,
      severity: rule.severity,
      metric: rule.metric,
      op: rule.op,
      threshold: rule.threshold,
      value,
      firedAt: new Date(),
    });
    this.open.set(key, incident.id);
    const alert = toAlertData(incident, 'firing');
    await this.eventLog.record('server', serverId, {
      level: rule.severity === 'critical' ? 'ERROR' : 'WARN',
      kind: 'alert.firing',
      message: `Alert ${alert.message}`,
      data: { incidentId: incident.id, ruleId: rule.id, value, threshold: rule.threshold },
      at: incident.firedAt,
    });
    this.bus.publish('alert', serverId, alert);
  }

  private async resolve(key: string, serverId: string, value: number | null, why?: string): Promise<void> {
    const incidentId = this.open.get(key);
    this.open.delete(key);
    if (!incidentId) return;
    const resolvedAt = new Date();
    const incident = await this.store.resolve(incidentId, resolvedAt, value);
    if (!incident) return;
    const alert = toAlertData(incident, 'resolved');
    if (why) alert.message = `${incident.ruleName} resolved: ${why}`;
    await this.eventLog.record('server', serverId, {
      kind: 'alert.resolved',
      message: `Alert ${alert.message}`,
      data: { incidentId, ruleId: incident.ruleId, value },
      at: resolvedAt,
    });
    this.bus.publish('alert', serverId, alert);
  }

  /**
   * A rule was created, changed or deleted: its open incidents are resolved (the condition they
   * reported is no longer the rule's) and it is evaluated afresh from the next sample.
   */
  private async ruleChanged(ruleId: string): Promise<void> {
    this.rules = await this.alertRules.enabled();
    const prefix = `${ruleId}:`;
    for (const key of [...this.trackers.keys()]) {
      if (!key.startsWith(prefix)) continue;
      this.trackers.delete(key);
      await this.resolve(key, key.slice(prefix.length), null, 'the rule was changed or removed');
    }
    // Incidents whose rule is gone (deleted in another instance or before a restart).
    const orphans = await this.store.openOfRuleOrOrphaned(ruleId);
    for (const incident of orphans) {
      const key = trackerKey(incident.ruleId ?? 'deleted', incident.serverId);
      this.open.set(key, incident.id);
      await this.resolve(key, incident.serverId, null, 'the rule was changed or removed');
    }
  }

  private async groupOf(serverId: string, now: number): Promise<string | null> {
    const cached = this.groups.get(serverId);
    if (cached && cached.until > now) return cached.group;
    const group = await this.servers.group(serverId);
    this.groups.set(serverId, { group, until: now + GROUP_CACHE_MS });
    return group;
  }
}

function trackerKey(ruleId: string, serverId: string): string {
  return `${ruleId}:${serverId}`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
