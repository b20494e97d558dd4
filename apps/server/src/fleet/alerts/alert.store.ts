import { Injectable } from '@nestjs/common';
import { type AlertIncident, type AlertRule, type Prisma, PrismaService } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';

/** A rule as it is stored (its id and times are the database's). */
export type AlertRuleToStore = Omit<AlertRule, 'id' | 'createdAt' | 'updatedAt'>;

/** A rule's changes; absent fields stay. */
export type AlertRuleChanges = Partial<Omit<AlertRuleToStore, 'createdById'>>;

/** An incident as it opens: a copy of its rule's definition and the value that fired it. */
export type IncidentToStore = Omit<AlertIncident, 'id' | 'resolvedAt' | 'resolvedValue'>;

export interface IncidentQuery {
  state?: 'firing' | 'resolved';
  serverId?: string;
  limit: number;
  offset: number;
}

/** Alerting's SQL: the rules, and the incidents they opened (open until resolved). */
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

  open(incident: IncidentToStore): Promise<AlertIncident> {
    return this.prisma.alertIncident.create({ data: incident });
  }

  /** Resolves an incident unless it is resolved already; the incident as resolved, or null. */
  async resolve(id: string, resolvedAt: Date, value: number | null): Promise<AlertIncident | null> {
    const claimed = await this.prisma.alertIncident.updateMany({ where: { id, resolvedAt: null }, data: { resolvedAt, resolvedValue: value } });
    if (claimed.count === 0) return null;
    return this.prisma.alertIncident.findUniqueOrThrow({ where: { id } });
  }
}
