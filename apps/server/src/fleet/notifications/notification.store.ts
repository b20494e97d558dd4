import { Injectable } from '@nestjs/common';
import { type AlertChannel, type AlertDeliveryAttempt, type Prisma, PrismaService } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';
import type { NotificationEvent, NotificationPayload } from './notification-message';

export type ChannelToStore = Pick<AlertChannel, 'name' | 'kind' | 'sealedUrl' | 'sealedSecret' | 'redactedUrl' | 'isDefault' | 'enabled'> & { id: string };
export type ChannelChanges = Partial<Omit<ChannelToStore, 'id'>>;

/** One notification to queue: the channels it goes to are looked up in the same transaction. */
export interface NotificationToQueue {
  /** Unique per notification and channel once the channel id is appended (`<key>:<channelId>`). */
  key: string;
  event: NotificationEvent;
  incidentId?: string;
  ruleId?: string | null;
  serverId?: string;
  payload: NotificationPayload;
}

/** An outbox row as the delivery worker leased it. */
export interface LeasedNotification {
  id: string;
  idempotencyKey: string;
  channelId: string;
  event: NotificationEvent;
  payload: NotificationPayload;
  attempts: number;
  giveUpAt: Date;
  createdAt: Date;
}

export interface AttemptToRecord {
  notificationId: string;
  channelId: string;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/**
 * Rows due and not leased (or whose lease ran out: the instance that held them died), oldest
 * first, leased to `$2` until now + `$1` ms; with them, the fresh rows of the same channels
 * still in their grouping pause, so alerts that fired together go in one message. SKIP
 * LOCKED lets several Pharos instances lease side by side without waiting on each other.
 */
const LEASE_SQL = `WITH free AS (
    SELECT "id", "channelId", "nextAttemptAt", "attempts", "createdAt" FROM "AlertNotification"
    WHERE "state" = 'pending' AND ("leaseUntil" IS NULL OR "leaseUntil" < now())),
  due_channels AS (SELECT DISTINCT "channelId" FROM free WHERE "nextAttemptAt" <= now())
  UPDATE "AlertNotification" SET "leaseUntil" = now() + ($1::int * interval '1 millisecond'), "leasedBy" = $2
  WHERE "id" IN (
    SELECT n."id" FROM "AlertNotification" n
    WHERE n."id" IN (SELECT "id" FROM free WHERE "nextAttemptAt" <= now() OR ("attempts" = 0 AND "channelId" IN (SELECT "channelId" FROM due_channels)))
    ORDER BY n."nextAttemptAt", n."createdAt" LIMIT $3
    FOR UPDATE SKIP LOCKED)
  RETURNING "id", "idempotencyKey", "channelId", "event", "payload", "attempts", "giveUpAt", "createdAt"`;

/** Retention: delivered or abandoned notifications (with their attempts) created before $1, at most $2. */
const DELETE_FINISHED_BEFORE_SQL = `DELETE FROM "AlertNotification" WHERE "id" IN (
    SELECT "id" FROM "AlertNotification" WHERE "createdAt" < $1::timestamptz AND "state" <> 'pending' ORDER BY "createdAt" LIMIT $2)`;

/** Retention: attempts made before $1, at most $2. */
const DELETE_ATTEMPTS_BEFORE_SQL = `DELETE FROM "AlertDeliveryAttempt" WHERE "id" IN (
    SELECT "id" FROM "AlertDeliveryAttempt" WHERE "at" < $1::timestamptz ORDER BY "at" LIMIT $2)`;

/** Notification channels, the outbox of notifications and the attempts to deliver them. */
@Injectable()
export class NotificationStore {
  constructor(private readonly prisma: PrismaService) {}

  // ---------------------------------------------------------------- channels

  channels(): Promise<AlertChannel[]> {
    return this.prisma.alertChannel.findMany({ orderBy: [{ name: 'asc' }, { id: 'asc' }] });
  }

  channel(id: string): Promise<AlertChannel | null> {
    return this.prisma.alertChannel.findUnique({ where: { id } });
  }

  channelsByIds(ids: string[]): Promise<AlertChannel[]> {
    return this.prisma.alertChannel.findMany({ where: { id: { in: ids } } });
  }

  createChannel(channel: ChannelToStore, tx: DbTransaction): Promise<AlertChannel> {
    return tx.alertChannel.create({ data: channel });
  }

  updateChannel(id: string, changes: ChannelChanges, tx: DbTransaction): Promise<AlertChannel> {
    return tx.alertChannel.update({ where: { id }, data: changes });
  }

  async deleteChannel(id: string, tx: DbTransaction): Promise<void> {
    await tx.alertChannel.delete({ where: { id } });
  }

  async recordChannelResult(id: string, at: Date, ok: boolean, error: string | null): Promise<void> {
    await this.prisma.alertChannel.updateMany({ where: { id }, data: { lastDeliveryAt: at, lastDeliveryOk: ok, lastDeliveryError: error } });
  }

  // ---------------------------------------------------------------- outbox

  /**
   * Queues each notification for its channels (`channelIds`, or every enabled default channel
   * when empty), inside the caller's transaction: committed with the incident change or not at
   * all. A key already queued is skipped (the same change written twice). Returns rows queued.
   */
  async enqueue(items: NotificationToQueue[], channelIds: string[], notBefore: Date, giveUpAt: Date, tx: DbTransaction): Promise<number> {
    if (items.length === 0) return 0;
    const channels = await tx.alertChannel.findMany({
      where: channelIds.length ? { id: { in: channelIds }, enabled: true } : { isDefault: true, enabled: true },
      select: { id: true },
    });
    const rows: Prisma.AlertNotificationCreateManyInput[] = channels.flatMap((channel) =>
      items.map((item) => ({
        idempotencyKey: `${item.key}:${channel.id}`,
        channelId: channel.id,
        event: item.event,
        incidentId: item.incidentId ?? null,
        ruleId: item.ruleId ?? null,
        serverId: item.serverId ?? null,
        payload: item.payload as unknown as Prisma.InputJsonObject,
        nextAttemptAt: notBefore,
        giveUpAt,
      })),
    );
    if (rows.length === 0) return 0;
    const { count } = await tx.alertNotification.createMany({ data: rows, skipDuplicates: true });
    return count;
  }

  lease(owner: string, leaseMs: number, limit: number): Promise<LeasedNotification[]> {
    return this.prisma.$queryRawUnsafe<LeasedNotification[]>(LEASE_SQL, leaseMs, owner, limit);
  }

  /** Delivered: done, unless its lease was lost to another instance meanwhile. */
  async markSent(ids: string[], owner: string, at: Date): Promise<void> {
    await this.prisma.alertNotification.updateMany({ where: { id: { in: ids }, leasedBy: owner, state: 'pending' }, data: { state: 'sent', sentAt: at, leaseUntil: null } });
  }

  /** Not delivered: tried again at `next`, or given up (`failed`) when next is null. */
  async markFailed(ids: string[], owner: string, next: Date | null, error: string): Promise<void> {
    await this.prisma.alertNotification.updateMany({
      where: { id: { in: ids }, leasedBy: owner, state: 'pending' },
      data: { attempts: { increment: 1 }, lastError: error, leaseUntil: null, ...(next ? { nextAttemptAt: next } : { state: 'failed' }) },
    });
  }

  async recordAttempts(attempts: AttemptToRecord[]): Promise<void> {
    await this.prisma.alertDeliveryAttempt.createMany({ data: attempts });
  }

  /**
   * A test message, sent at once rather than through the outbox: kept as a finished
   * notification (`event` test) with its one attempt, so the channel's history shows it beside
   * the real deliveries (and retention removes both like theirs).
   */
  async recordTestSend(channelId: string, idempotencyKey: string, payload: NotificationPayload, at: Date, result: { ok: boolean; statusCode: number | null; error: string | null }): Promise<void> {
    await this.prisma.alertNotification.create({
      data: {
        idempotencyKey,
        channelId,
        event: 'test',
        payload: payload as unknown as Prisma.InputJsonObject,
        state: result.ok ? 'sent' : 'failed',
        attempts: result.ok ? 0 : 1,
        nextAttemptAt: at,
        giveUpAt: at,
        lastError: result.error,
        sentAt: result.ok ? at : null,
        createdAt: at,
        attemptsMade: { create: { channelId, at, ok: result.ok, statusCode: result.statusCode, error: result.error } },
      },
    });
  }

  /** A channel's latest attempts, newest first. */
  attemptsOf(channelId: string, take: number): Promise<AlertDeliveryAttempt[]> {
    return this.prisma.alertDeliveryAttempt.findMany({ where: { channelId }, orderBy: { at: 'desc' }, take });
  }

  /** Outbox rows still to deliver, per channel (shown on the alerts page). */
  async pendingCounts(): Promise<Map<string, number>> {
    const groups = await this.prisma.alertNotification.groupBy({ by: ['channelId'], where: { state: 'pending' }, _count: { _all: true } });
    return new Map(groups.map((g) => [g.channelId, g._count._all]));
  }

  /** Outbox rows still to deliver, over every channel (the Prometheus outbox depth). */
  pendingTotal(): Promise<number> {
    return this.prisma.alertNotification.count({ where: { state: 'pending' } });
  }

  notificationsOfChannel(channelId: string, take: number) {
    return this.prisma.alertNotification.findMany({ where: { channelId }, orderBy: { createdAt: 'desc' }, take });
  }

  deleteFinishedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(DELETE_FINISHED_BEFORE_SQL, cutoff.toISOString(), limit);
  }

  deleteAttemptsBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(DELETE_ATTEMPTS_BEFORE_SQL, cutoff.toISOString(), limit);
  }
}
