import { Injectable } from '@nestjs/common';
import type { SessionView } from '@pharos/protocol';
import { NotFoundError } from '../../platform/errors/domain-errors';
import { FleetEventBus } from '../../platform/events/fleet-event-bus';
import { isUuid } from '../../platform/http/uuid';
import { type AuditActor, AuditLogService } from '../audit/audit-log.service';
import { UsersService } from '../users/users.service';
import { type SessionRow, SessionStore } from './session.store';

export type { SessionView };

export function toSessionView(row: SessionRow, currentSessionId: string | undefined): SessionView {
  return {
    id: row.familyId,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    userAgent: row.userAgent,
    ip: row.ip,
    current: row.familyId === currentSessionId,
  };
}

/**
 * Every device a user is signed in on, and ending them. Ending a session ends it now: its
 * refresh token is revoked, its access tokens are refused on their next request (they carry it
 * as `sid`: `AccessTokenService`), and its browser sockets close (an `access` event).
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly store: SessionStore,
    private readonly users: UsersService,
    private readonly audit: AuditLogService,
    private readonly bus: FleetEventBus,
  ) {}

  async list(userId: string, currentSessionId?: string): Promise<SessionView[]> {
    await this.findUser(userId);
    return (await this.store.live(userId, new Date())).map((row) => toSessionView(row, currentSessionId));
  }

  /** Ends one of `userId`'s sessions (the actor's own, or any user's for an admin). */
  async end(actor: AuditActor, userId: string, sessionId: string): Promise<void> {
    const user = await this.findUser(userId);
    if (!isUuid(sessionId) || !(await this.store.endOne(userId, sessionId, new Date()))) {
      throw new NotFoundError(`no live session ${sessionId}`);
    }
    await this.ended(actor, user, [sessionId]);
  }

  /** Ends every session of `userId` but `keep` (the caller's own, when they end their others). */
  async endAllBut(actor: AuditActor, userId: string, keep: string | undefined): Promise<number> {
    const user = await this.findUser(userId);
    const ended = await this.store.endAllBut(userId, keep, new Date());
    if (ended.length > 0) await this.ended(actor, user, ended);
    return ended.length;
  }

  private async ended(actor: AuditActor, user: { id: string; username: string }, sessionIds: string[]): Promise<void> {
    this.bus.publish('access', user.id, { reason: 'session', sessionIds });
    await this.audit.record(actor, 'session.end', { type: 'user', id: user.id }, { username: user.username, sessionIds });
  }

  private async findUser(id: string): Promise<{ id: string; username: string }> {
    const user = isUuid(id) ? await this.users.findById(id) : null;
    if (!user) throw new NotFoundError(`no user ${id}`);
    return user;
  }
}
