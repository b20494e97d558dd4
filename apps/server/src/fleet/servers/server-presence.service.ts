import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ServerStatus } from '@pharos/database';
import { PharosConfig } from '../../platform/config/pharos-config';
import { GroupCommitter } from '../../platform/database/group-commit';
import { Transactions } from '../../platform/database/transactions';
import { FleetEventBus } from '../../platform/events/fleet-event-bus';
import { EventLogService } from '../event-log/event-log.service';
import { type StatusChange, ServerStore } from './server.store';

interface Transition extends StatusChange {
  event: { kind: string; message: string; level: 'INFO' | 'WARN' };
}

/**
 * Online/offline state and last-seen time of servers. A status change is written at once, as
 * an event in the server's log; last-seen times of servers already online are kept in memory
 * and written in one batched statement every few seconds, so a report costs no extra write.
 */
@Injectable()
export class ServerPresenceService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ServerPresenceService.name);
  private readonly status = new Map<string, ServerStatus>();
  private readonly pendingSeen = new Map<string, Date>();
  private timer?: NodeJS.Timeout;
  /** Online/offline changes are group committed (a fleet reconnecting changes thousands at once). */
  private readonly transitions = new GroupCommitter<Transition, boolean>({ write: (items) => this.writeTransitions(items), maxBatch: 1000 });
  private flushing: Promise<void> = Promise.resolve();

  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly store: ServerStore,
    private readonly transactions: Transactions,
    private readonly eventLog: EventLogService,
    private readonly bus: FleetEventBus,
    private readonly config: PharosConfig,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.bus.subscribeAll('server.deleted', (_, serverId) => this.forget(serverId)),
      // Another instance changed it (cluster): what this one remembers may be wrong now.
      this.bus.subscribeAll('server.presence', ({ status }, serverId) => {
        if (this.status.has(serverId) && this.status.get(serverId) !== status) this.status.delete(serverId);
      }),
    );
    this.timer = setInterval(() => void this.flush(), this.config.presenceFlushSeconds * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    clearInterval(this.timer);
    await this.flush();
  }

  /**
   * The server just reported. Marks it online (with an event) when it was not; otherwise only
   * remembers the time. True when this call changed the status (and recorded the event).
   */
  async seen(serverId: string, at = new Date(), details?: { message?: string; kind?: string }): Promise<boolean> {
    // Not known yet (e.g. a fleet reconnecting after a restart): the conditional update says
    // whether it was online already, without a read first.
    if (this.status.get(serverId) === 'online') {
      this.pendingSeen.set(serverId, at);
      return false;
    }
    const changed = await this.setStatus(serverId, 'online', at, {
      kind: details?.kind ?? 'server.online',
      message: details?.message ?? 'Server is online',
      level: 'INFO',
    });
    if (!changed) this.pendingSeen.set(serverId, at);
    return changed;
  }

  /** Marks a server offline (with an event saying why), if it is not already. */
  async offline(serverId: string, reason: string, kind = 'server.offline'): Promise<void> {
    const known = this.status.get(serverId) ?? (await this.loadStatus(serverId));
    if (known === 'offline') return;
    await this.setStatus(serverId, 'offline', new Date(), { kind, message: reason, level: 'WARN' });
  }

  /**
   * Agent servers marked online but silent since `silentSince`, by the last-seen times every
   * Pharos instance wrote, except `except` (those connected here); at most `take`.
   */
  silentOnlineAgents(silentSince: Date, except: string[], take: number): Promise<string[]> {
    return this.store.silentOnlineAgentServers(silentSince, except, take);
  }

  /** Forgets a deleted server. */
  private forget(serverId: string): void {
    this.status.delete(serverId);
    this.pendingSeen.delete(serverId);
  }

  /** Writes pending last-seen times in one statement. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pendingSeen.size === 0) return;
      const batch = [...this.pendingSeen];
      this.pendingSeen.clear();
      try {
        await this.store.touchLastSeen(batch);
      } catch (error) {
        this.logger.warn({ err: error }, 'could not write last-seen times');
      }
    });
    return this.flushing;
  }

  private async loadStatus(serverId: string): Promise<ServerStatus | undefined> {
    const status = await this.store.status(serverId);
    if (status) this.status.set(serverId, status);
    return status;
  }

  private async setStatus(serverId: string, status: ServerStatus, at: Date, event: Transition['event']): Promise<boolean> {
    const changed = await this.transitions.submit({ serverId, status, at, event });
    this.status.set(serverId, status);
    if (status === 'offline') this.pendingSeen.delete(serverId);
    return changed;
  }

  /**
   * Status changes of a batch in one transaction: one conditional UPDATE per round (a server
   * at most once per round, in arrival order), then the events of the servers that changed.
   */
  private async writeTransitions(items: Transition[]): Promise<boolean[]> {
    const rounds: number[][] = [];
    const perServer = new Map<string, number>();
    items.forEach((item, i) => {
      const round = perServer.get(item.serverId) ?? 0;
      perServer.set(item.serverId, round + 1);
      (rounds[round] ??= []).push(i);
    });
    const changed = items.map(() => false);
    const entries = await this.transactions.run(async (tx) => {
      for (const round of rounds) {
        const applied = await this.store.changeStatus(round.map((i) => items[i]!), tx);
        applied.forEach((did, k) => (changed[round[k]!] = did));
      }
      const logged = items.flatMap((item, i) => (changed[i] ? [{ subjectType: 'server' as const, subjectId: item.serverId, entry: { ...item.event, at: item.at } }] : []));
      const stored = await this.eventLog.appendMany(logged, tx);
      return stored.map((entry, i) => ({ subjectId: logged[i]!.subjectId, entry }));
    });
    for (const { subjectId, entry } of entries) this.eventLog.publishCommitted(subjectId, [entry]);
    items.forEach((item, i) => {
      if (changed[i]) this.bus.publish('server.presence', item.serverId, { status: item.status === 'offline' ? 'offline' : 'online', kind: item.event.kind, message: item.event.message });
    });
    return changed;
  }
}
