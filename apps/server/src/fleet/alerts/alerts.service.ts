import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { AlertIncident, AlertRule, AlertSilence } from '@pharos/database';
import type { AlertData, AlertRulePreviewRow, LiveMetricsData } from '@pharos/protocol';
import { PharosConfig } from '../../platform/config/pharos-config';
import { type DbTransaction, Transactions } from '../../platform/database/transactions';
import { type ConditionReport, FleetEventBus, type PresenceChange } from '../../platform/events/fleet-event-bus';
import { ConcurrencyLimit } from '../../platform/runtime/concurrency-limit';
import { type PeriodicTask, startPeriodic } from '../../platform/runtime/periodic-task';
import { EventLogService } from '../event-log/event-log.service';
import type { NotificationEvent, NotifiedAlert } from '../notifications/notification-message';
import { NotificationOutbox } from '../notifications/notification-outbox';
import { ServersService } from '../servers/servers.service';
import { type AlertOp, AlertTracker, breaches, opSymbol } from './alert-condition';
import { type AlertKind, ONE_SHOT_KINDS, SAMPLED_KINDS } from './alert-kinds';
import { AlertRulesService } from './alert-rules.service';
import { AlertStore, type IncidentQuery } from './alert.store';

export type { IncidentQuery };

/**
 * Incident writes at once, across servers. A fleet-wide condition (a switch takes a rack
 * offline, 100 nodes report the same failing model) must not take the whole connection pool
 * from ingest: the rest wait their turn (they are already off the report's answer path).
 */
const INCIDENT_WRITES_AT_ONCE = 2;

/** How long a server's name, group and tags are remembered for scoped rules and silences. */
const SCOPE_CACHE_MS = 30_000;

interface ServerScope {
  name: string;
  group: string | null;
  tags: string[];
}

export function toAlertData(incident: AlertIncident, state: AlertData['state'] = incident.resolvedAt ? 'resolved' : 'firing'): AlertData {
  const value = state === 'resolved' ? (incident.resolvedValue ?? incident.value) : incident.value;
  return {
    id: incident.id,
    server_id: incident.serverId,
    rule: incident.ruleName,
    ...(incident.ruleId ? { rule_id: incident.ruleId } : {}),
    ...(incident.subject ? { subject: incident.subject } : {}),
    metric: incident.metric,
    severity: incident.severity,
    message: messageOf(incident, state),
    value,
    threshold: incident.threshold,
    state,
    timestamp: (state === 'resolved' ? incident.resolvedAt! : incident.firedAt).toISOString(),
  };
}

function messageOf(incident: AlertIncident, state: AlertData['state']): string {
  if (incident.detail) return state === 'firing' ? `${incident.ruleName}: ${incident.detail}` : `${incident.ruleName} resolved${incident.subject ? ` (${incident.subject})` : ''}`;
  const value = state === 'resolved' ? (incident.resolvedValue ?? incident.value) : incident.value;
  const where = incident.subject ? ` on ${incident.subject}` : '';
  return state === 'firing'
    ? `${incident.ruleName}: ${incident.metric}${where} ${round(value)} ${opSymbol(incident.op as AlertOp)} ${incident.threshold}`
    : `${incident.ruleName} resolved: ${incident.metric}${where} ${round(value)}`;
}

/** A silence covers the alert when every field it sets matches (server, group, rule). */
export function silences(silence: Pick<AlertSilence, 'serverId' | 'group' | 'ruleId'>, ruleId: string, serverId: string, group: string | null): boolean {
  return (!silence.serverId || silence.serverId === serverId) && (!silence.group || silence.group === group) && (!silence.ruleId || silence.ruleId === ruleId);
}

/** What fires: a rule, on a server, about one of its parts (`subject`, "" for the server). */
interface Firing {
  rule: AlertRule;
  serverId: string;
  subject: string;
  value: number;
  detail: string | null;
}

/**
 * Alerting. Threshold and disk rules are judged on every metrics sample on the bus, whatever
 * its source; the built-in conditions on what the sources publish (`server.presence`,
 * `condition`). A rule that fires opens an incident and, in the same transaction, queues its
 * notifications in the outbox — unless a silence covers it or the rule told of the server
 * within its cooldown (storm control); the first clear sample or report resolves it the same
 * way. It is also logged on the server and published (`alert`) for its metrics sockets.
 * Everything about one server is evaluated in order.
 */
@Injectable()
export class AlertsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AlertsService.name);
  private rules: AlertRule[] = [];
  private readonly trackers = new Map<string, AlertTracker>();
  /** Open incident id per tracker key (`rule:server:subject`). */
  private readonly open = new Map<string, string>();
  private readonly scopes = new Map<string, { scope: ServerScope | null; until: number }>();
  /** Each server's latest sample, for the rule preview. */
  private readonly latest = new Map<string, LiveMetricsData>();
  private readonly queues = new Map<string, Promise<void>>();
  private ready: Promise<void> = Promise.resolve();
  private readonly unsubscribe: (() => void)[] = [];
  private reminders?: PeriodicTask;
  private readonly writes = new ConcurrencyLimit(INCIDENT_WRITES_AT_ONCE);
  /** Cluster: reads of a server's open incidents when it comes back online (a fleet reconnecting). */
  private readonly lookups = new ConcurrencyLimit(INCIDENT_WRITES_AT_ONCE);
  /** True while this instance publishes an `alert` (its own subscribers get it at once). */
  private publishing = false;

  constructor(
    private readonly store: AlertStore,
    private readonly alertRules: AlertRulesService,
    private readonly servers: ServersService,
    private readonly eventLog: EventLogService,
    private readonly bus: FleetEventBus,
    private readonly transactions: Transactions,
    private readonly outbox: NotificationOutbox,
    private readonly config: PharosConfig,
  ) {}

  onModuleInit(): void {
    this.ready = this.load();
    // Cluster: what a source publishes is judged once, by the instance that stored it.
    this.unsubscribe.push(
      this.bus.subscribeAll('metrics', (sample, serverId) => this.enqueue(serverId, () => this.evaluate(serverId, sample)), 'instance'),
      this.bus.subscribeAll('server.presence', (change, serverId) => this.enqueue(serverId, () => this.presence(serverId, change)), 'instance'),
      this.bus.subscribeAll('condition', (report, serverId) => this.enqueue(serverId, () => this.condition(serverId, report)), 'instance'),
      this.bus.subscribeAll('server.deleted', (_, serverId) => this.forget(serverId)),
      // Cluster: incidents another instance opened or resolved (a server's source moved here).
      this.bus.subscribeAll('alert', (alert, serverId) => {
        if (!this.publishing) this.enqueue(serverId, () => this.learn(serverId, alert));
      }),
      this.alertRules.onChanged((ruleId) => this.enqueueAll(() => this.ruleChanged(ruleId))),
    );
    this.reminders = startPeriodic(this.config.alertRepeatSweepSeconds * 1000, () => this.remind(), (error) => this.logger.error({ err: error }, 'alert reminders failed'));
  }

  async onModuleDestroy(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.reminders?.stop();
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

  /**
   * What a threshold rule would say now, from each server's latest sample seen here: the
   * value per server (per filesystem for disk rules) and whether it breaches.
   */
  async preview(rule: Pick<AlertRule, 'kind' | 'metric' | 'op' | 'threshold' | 'serverId' | 'group' | 'tag'>): Promise<AlertRulePreviewRow[]> {
    const rows: { serverId: string; serverName: string; subject?: string; value: number; breaching: boolean }[] = [];
    for (const [serverId, sample] of this.latest) {
      const scope = await this.scopeOf(serverId);
      if (!scope || !inScope(rule, serverId, scope)) continue;
      for (const { subject, value } of valuesOf(rule, sample)) {
        rows.push({ serverId, serverName: scope.name, ...(subject ? { subject } : {}), value, breaching: breaches(rule.op as AlertOp, value, rule.threshold) });
      }
    }
    return rows.sort((a, b) => Number(b.breaching) - Number(a.breaching) || b.value - a.value);
  }

  private async load(): Promise<void> {
    try {
      this.rules = await this.alertRules.enabled();
      for (const incident of await this.store.openWithRule()) {
        const key = trackerKey(incident.ruleId!, incident.serverId, incident.subject);
        this.trackers.set(key, new AlertTracker(true));
        this.open.set(key, incident.id);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'could not load alert rules');
    }
  }

  /**
   * Another instance opened or resolved an incident: this one takes it into its open incidents
   * (and the rule's state for the server) so that it resolves it, or forgets it, and does not
   * open a second one when the server's samples and reports come here.
   */
  private async learn(serverId: string, alert: AlertData): Promise<void> {
    if (!alert.rule_id) return;
    const key = trackerKey(alert.rule_id, serverId, alert.subject ?? '');
    if (alert.state === 'firing') {
      if (this.open.get(key) === alert.id) return;
      this.open.set(key, alert.id);
      this.trackers.set(key, new AlertTracker(true));
    } else if (this.open.get(key) === alert.id) {
      this.open.delete(key);
      this.trackers.set(key, new AlertTracker());
    }
  }

  private publish(serverId: string, alert: AlertData): void {
    this.publishing = true;
    try {
      this.bus.publish('alert', serverId, alert);
    } finally {
      this.publishing = false;
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

  private async rulesFor(serverId: string, kinds: readonly string[]): Promise<AlertRule[]> {
    const candidates = this.rules.filter((r) => kinds.includes(r.kind));
    if (candidates.length === 0) return [];
    const scope = await this.scopeOf(serverId);
    if (!scope) return [];
    return candidates.filter((rule) => inScope(rule, serverId, scope));
  }

  private async evaluate(serverId: string, sample: LiveMetricsData): Promise<void> {
    this.latest.set(serverId, sample);
    const now = Date.now();
    for (const rule of await this.rulesFor(serverId, SAMPLED_KINDS)) {
      for (const { subject, value } of valuesOf(rule, sample)) {
        const key = trackerKey(rule.id, serverId, subject);
        let tracker = this.trackers.get(key);
        if (!tracker) this.trackers.set(key, (tracker = new AlertTracker()));
        const change = tracker.observe(breaches(rule.op as AlertOp, value, rule.threshold), now, rule.forSeconds);
        if (change === 'fire') await this.fire({ rule, serverId, subject, value, detail: null });
        else if (change === 'resolve') await this.resolve(key, serverId, value);
      }
    }
  }

  /** Offline opens "server offline" (agents, nodes) or "Lightd daemon offline"; online resolves both. */
  private async presence(serverId: string, change: PresenceChange): Promise<void> {
    let stored: AlertIncident[] | undefined;
    for (const rule of await this.rulesFor(serverId, ['server_offline', 'daemon_offline'])) {
      const key = trackerKey(rule.id, serverId, '');
      if (change.status === 'online') {
        // Cluster: "online" is not repeated, and another instance may have opened the incident
        // while its news is still on the way here: the database says (one read per change).
        if (!this.open.has(key) && this.config.cluster.redisUrl) {
          stored ??= await this.lookups.run(() => this.store.firing(serverId));
          const row = stored.find((i) => i.ruleId === rule.id && i.subject === '');
          if (row) this.open.set(key, row.id);
        }
        await this.resolve(key, serverId, 0);
        continue;
      }
      const byDaemon = change.kind === 'daemon.offline';
      if ((rule.kind === 'daemon_offline') !== byDaemon || this.open.has(key)) continue;
      await this.fire({ rule, serverId, subject: '', value: 1, detail: change.message });
    }
  }

  private async condition(serverId: string, report: ConditionReport): Promise<void> {
    for (const rule of await this.rulesFor(serverId, [report.kind])) {
      const key = trackerKey(rule.id, serverId, report.subject);
      if (!report.failing) {
        await this.resolve(key, serverId, report.value ?? 0);
        continue;
      }
      if (this.open.has(key)) continue;
      await this.fire({ rule, serverId, subject: report.subject, value: report.value ?? 1, detail: report.detail });
      if (ONE_SHOT_KINDS.includes(rule.kind as AlertKind)) await this.resolve(key, serverId, report.value ?? 1, undefined, false);
    }
  }

  private async fire(firing: Firing): Promise<void> {
    const { rule, serverId, subject } = firing;
    const key = trackerKey(rule.id, serverId, subject);
    const scope = await this.scopeOf(serverId);
    const firedAt = new Date();
    const incident = await this.writes.run(() => this.transactions.run(async (tx) => {
      const opened = await this.store.open(
        { ruleId: rule.id, serverId, ruleName: rule.name, severity: rule.severity, metric: rule.metric, op: rule.op, threshold: rule.threshold, value: firing.value, firedAt, subject, detail: firing.detail },
        tx,
      );
      if (!opened) return null;
      if (await this.mayNotify(rule, serverId, scope, firedAt, tx)) {
        await this.store.markNotified(opened.id, firedAt, tx);
        await this.queue(rule, opened, 'firing', scope, tx);
      }
      return opened;
    }));
    if (!incident) {
      // Open already (by another instance, or a report that raced this one): it is the one to resolve.
      const current = await this.store.openOne(rule.id, serverId, subject);
      if (current) this.open.set(key, current.id);
      return;
    }
    this.open.set(key, incident.id);
    const alert = toAlertData(incident, 'firing');
    await this.writes.run(() => this.eventLog.record('server', serverId, {
      level: rule.severity === 'critical' ? 'ERROR' : 'WARN',
      kind: 'alert.firing',
      message: `Alert ${alert.message}`,
      data: { incidentId: incident.id, ruleId: rule.id, value: firing.value, threshold: rule.threshold, subject },
      at: incident.firedAt,
    }));
    this.publish(serverId, alert);
  }

  /** Not silenced, and past the rule's cooldown for this server (storm control). */
  private async mayNotify(rule: AlertRule, serverId: string, scope: ServerScope | null, now: Date, tx: DbTransaction): Promise<boolean> {
    const active = await this.store.activeSilences(now, tx);
    if (active.some((s) => silences(s, rule.id, serverId, scope?.group ?? null))) return false;
    if (rule.cooldownSeconds <= 0) return true;
    const last = await this.store.lastNotifiedAt(rule.id, serverId, tx);
    return !last || now.getTime() - last.getTime() >= rule.cooldownSeconds * 1000;
  }

  private async resolve(key: string, serverId: string, value: number | null, why?: string, tell = true): Promise<void> {
    const incidentId = this.open.get(key);
    this.open.delete(key);
    if (!incidentId) return;
    const resolvedAt = new Date();
    const rule = this.rules.find((r) => key.startsWith(`${r.id}:`));
    const scope = await this.scopeOf(serverId);
    const incident = await this.writes.run(() => this.transactions.run(async (tx) => {
      const resolved = await this.store.resolveIn(incidentId, resolvedAt, value, tx);
      // Only what was told is told resolved (not a silenced or cooled-down firing).
      if (resolved && tell && resolved.notified && rule?.notifyResolved) await this.queue(rule, resolved, 'resolved', scope, tx, why);
      return resolved;
    }));
    if (!incident) return;
    const alert = toAlertData(incident, 'resolved');
    if (why) alert.message = `${incident.ruleName} resolved: ${why}`;
    await this.writes.run(() => this.eventLog.record('server', serverId, {
      kind: 'alert.resolved',
      message: `Alert ${alert.message}`,
      data: { incidentId, ruleId: incident.ruleId, value },
      at: resolvedAt,
    }));
    this.publish(serverId, alert);
  }

  private queue(rule: AlertRule, incident: AlertIncident, event: NotificationEvent, scope: ServerScope | null, tx: DbTransaction, why?: string, key = `${incident.id}:${event}`): Promise<number> {
    const state = event === 'resolved' ? 'resolved' : 'firing';
    const alert: NotifiedAlert = {
      incidentId: incident.id,
      ruleId: rule.id,
      rule: rule.name,
      kind: rule.kind,
      severity: incident.severity,
      serverId: incident.serverId,
      serverName: scope?.name ?? incident.serverId,
      ...(incident.subject ? { subject: incident.subject } : {}),
      message: why ? `${incident.ruleName} resolved: ${why}` : messageOf(incident, state),
      value: state === 'resolved' ? (incident.resolvedValue ?? incident.value) : incident.value,
      threshold: incident.threshold,
      at: (state === 'resolved' ? incident.resolvedAt! : new Date()).toISOString(),
    };
    return this.outbox.queue([{ key, event, incidentId: incident.id, ruleId: rule.id, serverId: incident.serverId, payload: { event, alert } }], rule.channelIds, tx);
  }

  /** Open incidents of rules with a repeat interval, told again (each reminder its own key). */
  private async remind(): Promise<void> {
    const due = await this.store.remindersDue(100);
    for (const incident of due) {
      const rule = this.rules.find((r) => r.id === incident.ruleId);
      if (!rule) continue;
      const scope = await this.scopeOf(incident.serverId);
      const now = new Date();
      await this.transactions.run(async (tx) => {
        await this.store.markNotified(incident.id, now, tx);
        await this.queue(rule, incident, 'reminder', scope, tx, undefined, `${incident.id}:reminder:${now.getTime()}`);
      });
    }
  }

  /**
   * A rule was created, changed or deleted. A deleted or disabled rule's open incidents are
   * resolved; so are a threshold rule's (the condition they reported is no longer the rule's;
   * it is judged afresh from the next sample). A built-in rule's stay open: its condition is
   * the same, and no source repeats an offline server.
   */
  private async ruleChanged(ruleId: string): Promise<void> {
    this.rules = await this.alertRules.enabled();
    const rule = this.rules.find((r) => r.id === ruleId);
    if (rule && !SAMPLED_KINDS.includes(rule.kind as AlertKind)) return;
    const prefix = `${ruleId}:`;
    for (const key of [...this.trackers.keys()]) {
      if (key.startsWith(prefix)) this.trackers.delete(key);
    }
    for (const key of [...this.open.keys()]) {
      if (!key.startsWith(prefix)) continue;
      await this.resolve(key, key.split(':')[1]!, null, 'the rule was changed or removed', false);
    }
    // Incidents whose rule is gone (deleted in another instance or before a restart).
    const orphans = await this.store.openOfRuleOrOrphaned(ruleId);
    for (const incident of orphans) {
      const key = trackerKey(incident.ruleId ?? 'deleted', incident.serverId, incident.subject);
      this.open.set(key, incident.id);
      await this.resolve(key, incident.serverId, null, 'the rule was changed or removed', false);
    }
  }

  private forget(serverId: string): void {
    this.latest.delete(serverId);
    this.scopes.delete(serverId);
    for (const map of [this.trackers, this.open]) {
      for (const key of [...map.keys()]) if (key.split(':')[1] === serverId) map.delete(key);
    }
  }

  private async scopeOf(serverId: string): Promise<ServerScope | null> {
    const now = Date.now();
    const cached = this.scopes.get(serverId);
    if (cached && cached.until > now) return cached.scope;
    const scope = await this.servers.scope(serverId);
    this.scopes.set(serverId, { scope, until: now + SCOPE_CACHE_MS });
    return scope;
  }
}

function inScope(rule: Pick<AlertRule, 'serverId' | 'group' | 'tag'>, serverId: string, scope: ServerScope): boolean {
  if (rule.serverId && rule.serverId !== serverId) return false;
  if (rule.group && rule.group !== scope.group) return false;
  if (rule.tag && !scope.tags.includes(rule.tag)) return false;
  return true;
}

/** The values a sampled rule judges: the series, or each filesystem's use for the disk rule. */
function valuesOf(rule: Pick<AlertRule, 'kind' | 'metric'>, sample: LiveMetricsData): { subject: string; value: number }[] {
  if (rule.kind === 'disk_full') return (sample.disk_usage ?? []).filter((d) => Number.isFinite(d.percent)).map((d) => ({ subject: `fs:${d.mountpoint}`, value: d.percent }));
  const value = (sample as unknown as Record<string, unknown>)[rule.metric];
  return typeof value === 'number' && Number.isFinite(value) ? [{ subject: '', value }] : [];
}

function trackerKey(ruleId: string, serverId: string, subject: string): string {
  return `${ruleId}:${serverId}:${subject}`;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
