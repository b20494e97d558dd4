import { Injectable } from '@nestjs/common';
import type { AlertSilence } from '@pharos/database';
import type { SilenceView } from '@pharos/protocol';
import { type AuditActor, AuditLogService } from '../../identity/audit/audit-log.service';
import { Transactions } from '../../platform/database/transactions';
import { InvalidInputError, NotFoundError } from '../../platform/errors/domain-errors';
import { isUuid } from '../../platform/http/uuid';
import { ServersService } from '../servers/servers.service';
import { AlertRulesService } from './alert-rules.service';
import { AlertStore } from './alert.store';

export function toSilenceView(silence: AlertSilence, now = Date.now()): SilenceView {
  return {
    id: silence.id,
    serverId: silence.serverId,
    group: silence.group,
    ruleId: silence.ruleId,
    until: silence.until.toISOString(),
    reason: silence.reason,
    active: silence.until.getTime() > now,
    createdAt: silence.createdAt.toISOString(),
  };
}

export interface SilenceInput {
  serverId?: string;
  group?: string;
  ruleId?: string;
  until: string;
  reason?: string;
}

/** Maintenance windows: while one covers an alert, it is recorded but nobody is told. */
@Injectable()
export class AlertSilencesService {
  constructor(
    private readonly store: AlertStore,
    private readonly transactions: Transactions,
    private readonly servers: ServersService,
    private readonly rules: AlertRulesService,
    private readonly audit: AuditLogService,
  ) {}

  list(): Promise<AlertSilence[]> {
    return this.store.silences();
  }

  async create(input: SilenceInput, actor: AuditActor): Promise<AlertSilence> {
    if (!input.serverId && !input.group && !input.ruleId) throw new InvalidInputError('a silence names a server, a group or a rule', 'serverId');
    const until = new Date(input.until);
    if (Number.isNaN(until.getTime()) || until.getTime() <= Date.now()) throw new InvalidInputError('until must be a time in the future', 'until');
    if (input.serverId && !(await this.servers.find(input.serverId))) throw new InvalidInputError(`server ${input.serverId} not found`, 'serverId');
    if (input.ruleId) {
      await this.rules.get(input.ruleId).catch(() => {
        throw new InvalidInputError(`alert rule ${input.ruleId} not found`, 'ruleId');
      });
    }
    return this.transactions.run(async (tx) => {
      const silence = await this.store.createSilence({ serverId: input.serverId ?? null, group: input.group ?? null, ruleId: input.ruleId ?? null, until, reason: input.reason ?? '', createdById: actor.id }, tx);
      await this.audit.record(actor, 'alert_silence.create', { type: 'alert_silence', id: silence.id }, { ...input }, tx);
      return silence;
    });
  }

  async delete(id: string, actor: AuditActor): Promise<void> {
    const deleted = isUuid(id) && (await this.transactions.run(async (tx) => {
      const existed = await this.store.deleteSilence(id, tx);
      if (existed) await this.audit.record(actor, 'alert_silence.delete', { type: 'alert_silence', id }, {}, tx);
      return existed;
    }));
    if (!deleted) throw new NotFoundError(`silence ${id} not found`);
  }
}
