import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import type { List } from '@pharos/protocol';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { SessionOnly } from '../access/api-token-scope';
import { CurrentUser } from '../access/current-user.decorator';
import { Roles } from '../access/roles.decorator';
import { type SessionView, SessionsService } from './sessions.service';

/**
 * The signed-in user's sessions (every device), and an admin's view of anyone's. Only with a
 * signed-in session, never an API token: a leaked token must not end its owner's sessions.
 */
@Controller('api/v1')
@SessionOnly()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  /** Live sessions, the most recently used first; `current` marks the caller's. */
  @Get('sessions')
  async list(@CurrentUser() user: AuthenticatedUser): Promise<List<SessionView>> {
    return { items: await this.sessions.list(user.id, user.sessionId) };
  }

  /** Ends every session of the caller but the one asking. */
  @Delete('sessions')
  async endOthers(@CurrentUser() user: AuthenticatedUser): Promise<{ ended: number }> {
    return { ended: await this.sessions.endAllBut(user, user.id, user.sessionId) };
  }

  /** Ends one session of the caller (the current one too: that signs this device out). */
  @Delete('sessions/:id')
  @HttpCode(204)
  async end(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<void> {
    await this.sessions.end(user, user.id, id);
  }

  @Get('users/:id/sessions')
  @Roles('admin')
  async listOf(@CurrentUser() admin: AuthenticatedUser, @Param('id') userId: string): Promise<List<SessionView>> {
    return { items: await this.sessions.list(userId, admin.sessionId) };
  }

  /** Ends every session of a user (an admin signing them out everywhere). */
  @Delete('users/:id/sessions')
  @Roles('admin')
  async endAllOf(@CurrentUser() admin: AuthenticatedUser, @Param('id') userId: string): Promise<{ ended: number }> {
    return { ended: await this.sessions.endAllBut(admin, userId, userId === admin.id ? admin.sessionId : undefined) };
  }

  @Delete('users/:id/sessions/:sessionId')
  @Roles('admin')
  @HttpCode(204)
  async endOf(@CurrentUser() admin: AuthenticatedUser, @Param('id') userId: string, @Param('sessionId') sessionId: string): Promise<void> {
    await this.sessions.end(admin, userId, sessionId);
  }
}
