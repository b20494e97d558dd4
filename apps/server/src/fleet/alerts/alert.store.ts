import { Injectable } from '@nestjs/common';
import { type AlertIncident, type AlertRule, type AlertSilence, type Prisma, PrismaService } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';

/** A rule as it is stored (its id and times are the database's). */
export type AlertRuleToStore = Omit<AlertRule, 'id' | 'createdAt' | 'updatedAt'>;

/** A rule's changes; absent fields stay. */
export type AlertRuleChanges = Partial<Omit<AlertRuleToStore, 'createdById'>>;

/** An incident as it opens: a copy of its rule's definition and the value that fired it. */
export type IncidentToStore = Omit<AlertIncident, 'id' | 'resolvedAt' | 'resolvedValue' | 'notified' | 'lastNotifiedAt'>;

export type SilenceToStore = Omit<AlertSilence, 'id' | 'createdAt'>;

export interface IncidentQuery {
  state?: 'firing' | 'resolved';
  serverId?: string;
  severity?: 'warning' | 'critical';
  limit: number;
  offset: number;
}

/**
 * Opens an incident unless one of the rule, server and subject is open already (the partial
 * unique index "AlertIncident_open_key": one open incident whichever instance saw it first).
 */
const OPEN_INCIDENT_SQL = `INSERT INTO "AlertIncident"
    ("id", "ruleId", "serverId", "ruleName", "severity", "metric", "op", "threshold", "value", "firedAt", "subject", "detail")
  VALUES (gen_random_uuid(), $1::uuid, $2::uuid, $3, $4::"AlertSeverity", $5, $6, $7, $8, $9::timestamptz, $10, $11)
  ON CONFLICT ("ruleId", "serverId", "subject") WHERE "resolvedAt" IS NULL DO NOTHING
  RETURNING *`;

/** Open incidents told (and not told since for `repeatSeconds`) of rules that repeat. */
const REMINDERS_DUE_SQL = `SELECT i.* FROM "AlertIncident" i JOIN "AlertRule" r ON r."id" = i."ruleId"
  WHERE i."resolvedAt" IS NULL AND i."notified" AND r."enabled" AND r."repeatSeconds" > 0
    AND i."lastNotifiedAt" < now() - r."repeatSeconds" * interval '1 second'
  ORDER BY i."lastNotifiedAt" LIMIT $1`;

/** Alerting's SQL: the rules, the incidents they opened (open until resolved), and silences. */
/** Retention: a batch of incidents resolved before $1, at most $2 (by the index on "resolvedAt"). */
const DELETE_RESOLVED_BEFORE_SQL = `DELETE FROM "AlertIncident" WHERE "id" IN (
    SELECT "id" FROM "AlertIncident" WHERE "resolvedAt" < $1::timestamptz ORDER BY "resolvedAt" LIMIT $2)`;

@Injectable()
export class AlertStore {
  constructor(private readonly prisma: PrismaService) {}

  /** At most `limit` incidents resolved before `cutoff` (open ones stay); returns how many went. */
  deleteResolvedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(DELETE_RESOLVED_BEFORE_SQL, cutoff.toISOString(), limit);
  }

  // ---------------------------------------------------------------- rules

  rules(): Promise<AlertRule[]> {
    return this.prisma.alertRule.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }] });
  }

  enabledRules(): Promise<AlertRule[]> {
    return this.prisma.alertRule.findMany({ where: { enabled: true } });
  }

  rule(id: string): Promise<AlertRule | null> {
    return this.prisma.alertRule.findUnique({ where: { id } });
  }

  createRule(rule: AlertRuleToStore, tx: DbTransaction): Promise<AlertRule> {
    return tx.alertRule.create({ data: rule });
  }

  updateRule(id: string, changes: AlertRuleChanges, tx: DbTransaction): Promise<AlertRule> {
    return tx.alertRule.update({ where: { id }, data: changes });
  }

  async deleteRule(id: string, tx: DbTransaction): Promise<void> {
    await tx.alertRule.delete({ where: { id } });
  }

  // ---------------------------------------------------------------- incidents

  /** The server's open incidents, oldest first. */
  firing(serverId: string): Promise<AlertIncident[]> {
    return this.prisma.alertIncident.findMany({ where: { serverId, resolvedAt: null }, orderBy: { firedAt: 'asc' } });
  }

  /** Incidents, newest first. */
  async incidents(query: IncidentQuery): Promise<{ items: AlertIncident[]; total: number }> {
    const where: Prisma.AlertIncidentWhereInput = {
      ...(query.serverId ? { serverId: query.serverId } : {}),
      ...(query.severity ? { severity: query.severity } : {}),
      ...(query.state === 'firing' ? { resolvedAt: null } : query.state === 'resolved' ? { resolvedAt: { not: null } } : {}),
    };
    const [items, total] = await Promise.all([
      this.prisma.alertIncident.findMany({ where, orderBy: [{ firedAt: 'desc' }, { id: 'asc' }], take: query.limit, skip: query.offset }),
      this.prisma.alertIncident.count({ where }),
    ]);
    return { items, total };
  }

  /** Open incidents whose rule still exists. */
  openWithRule(): Promise<AlertIncident[]> {
    return this.prisma.alertIncident.findMany({ where: { resolvedAt: null, ruleId: { not: null } } });
  }

  /** Open incidents of the rule, and those whose rule was deleted. */
  openOfRuleOrOrphaned(ruleId: string): Promise<AlertIncident[]> {
    return this.prisma.alertIncident.findMany({ where: { resolvedAt: null, OR: [{ ruleId }, { ruleId: null }] } });
  }

  /** The new incident, or null when one of the rule, server and subject is open already. */
  async open(i: IncidentToStore, tx: DbTransaction): Promise<AlertIncident | null> {
    const rows = await tx.$queryRawUnsafe<AlertIncident[]>(OPEN_INCIDENT_SQL, i.ruleId, i.serverId, i.ruleName, i.severity, i.metric, i.op, i.threshold, i.value, i.firedAt.toISOString(), i.subject, i.detail);
    return rows[0] ?? null;
  }

  /** When the rule last told anyone about the server (storm control: its cooldown runs from it). */
  async lastNotifiedAt(ruleId: string, serverId: string, tx: DbTransaction): Promise<Date | null> {
    const row = await tx.alertIncident.aggregate({ where: { ruleId, serverId }, _max: { lastNotifiedAt: true } });
    return row._max.lastNotifiedAt;
  }

  async markNotified(id: string, at: Date, tx: DbTransaction): Promise<void> {
    await tx.alertIncident.update({ where: { id }, data: { notified: true, lastNotifiedAt: at } });
  }

  remindersDue(limit: number): Promise<AlertIncident[]> {
    return this.prisma.$queryRawUnsafe<AlertIncident[]>(REMINDERS_DUE_SQL, limit);
  }

  /** The server's open incidents of a rule (any subject). */
  openOf(ruleId: string, serverId: string): Promise<AlertIncident[]> {
    return this.prisma.alertIncident.findMany({ where: { ruleId, serverId, resolvedAt: null } });
  }

  /** The open incident of the rule, server and subject, if any (at most one: the partial unique index). */
  openOne(ruleId: string, serverId: string, subject: string): Promise<AlertIncident | null> {
    return this.prisma.alertIncident.findFirst({ where: { ruleId, serverId, subject, resolvedAt: null } });
  }

  /** Resolves in the caller's transaction; the incident as resolved, or null if it was already. */
  async resolveIn(id: string, resolvedAt: Date, value: number | null, tx: DbTransaction): Promise<AlertIncident | null> {
    const claimed = await tx.alertIncident.updateMany({ where: { id, resolvedAt: null }, data: { resolvedAt, resolvedValue: value } });
    if (claimed.count === 0) return null;
    return tx.alertIncident.findUniqueOrThrow({ where: { id } });
  }

  // ---------------------------------------------------------------- silences

  silences(): Promise<AlertSilence[]> {
    return this.prisma.alertSilence.findMany({ orderBy: [{ until: 'desc' }, { id: 'asc' }] });
  }

  activeSilences(now: Date, tx?: DbTransaction): Promise<AlertSilence[]> {
    return (tx ?? this.prisma).alertSilence.findMany({ where: { until: { gt: now } } });
  }

  createSilence(silence: SilenceToStore, tx: DbTransaction): Promise<AlertSilence> {
    return tx.alertSilence.create({ data: silence });
  }

  /** True when it existed. */
  async deleteSilence(id: string, tx: DbTransaction): Promise<boolean> {
    return (await tx.alertSilence.deleteMany({ where: { id } })).count > 0;
  }

  /** Retention: silences that ended before the cutoff. */
  deleteSilencesEndedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(`DELETE FROM "AlertSilence" WHERE "id" IN (SELECT "id" FROM "AlertSilence" WHERE "until" < $1::timestamptz ORDER BY "until" LIMIT $2)`, cutoff.toISOString(), limit);
  }

}
