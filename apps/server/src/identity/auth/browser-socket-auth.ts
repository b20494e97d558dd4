import { Injectable } from '@nestjs/common';
import { isDatabaseUnavailable } from '@pharos/database';
import { FrontendCloseCode, frontendAuthMessage } from '@pharos/protocol';
import type { WebSocket } from 'ws';
import type { AuthenticatedUser } from '../access/authenticated-user';
import { AccessTokenService } from './access-token.service';
import { PharosConfig } from '../../platform/config/pharos-config';
import { DomainError, ForbiddenError } from '../../platform/errors/domain-errors';
import { FleetEventBus, type UserAccessChange } from '../../platform/events/fleet-event-bus';
import { closeWithError, parseJsonFrame } from '../../platform/websockets/json-socket';
import { markAuthenticated } from '../../platform/websockets/socket-limits';

/** WebSocket close code 1013: the server cannot serve the socket now; reconnect later. */
const TRY_AGAIN_LATER = 1013;

/**
 * Authenticates an admin's browser WebSocket the way the browser socket protocol says (docs/protocols/agent-websocket.md): the first message is
 * `{"type":"auth","token":"<jwt access token>"}`. Anything else first, a bad or expired
 * token, or silence past the timeout gets `{"type":"error",…}` and a close. Once in, the
 * socket is closed (4401) when the token expires; the browser reconnects with a fresh one.
 * It is also closed when an admin changes the user's access: disabled or password reset (4001,
 * the browser's refresh then fails and its session ends), role changed (4401, it reconnects
 * with a token of the new role, or is refused what the role may no longer see), or its session
 * alone was ended on the sessions page (4001).
 */
@Injectable()
export class BrowserSocketAuthenticator {
  /** Each authenticated socket's expiry timer, reset when it presents a fresh token (`renew`). */
  private readonly expiry = new WeakMap<WebSocket, NodeJS.Timeout>();

  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly config: PharosConfig,
    private readonly bus: FleetEventBus,
  ) {}

  /** The user, or null when the socket was refused (it is then closed). */
  authenticate(socket: WebSocket): Promise<AuthenticatedUser | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        cleanup();
        closeWithError(socket, FrontendCloseCode.Unauthorized, 'Authentication timeout');
        resolve(null);
      }, this.config.wsAuthTimeoutSeconds * 1000);
      const onClose = () => {
        cleanup();
        resolve(null);
      };
      const onMessage = (data: Parameters<typeof parseJsonFrame>[0], isBinary: boolean) => {
        cleanup();
        const parsed = frontendAuthMessage.validate(parseJsonFrame(data, isBinary));
        if (!parsed.ok) {
          closeWithError(socket, FrontendCloseCode.Unauthorized, 'Authentication required: send {"type":"auth","token":"<access token>"} first');
          resolve(null);
          return;
        }
        this.accessTokens.verify(parsed.value.token).then(
          (user) => {
            if (socket.readyState !== socket.OPEN) return resolve(null);
            markAuthenticated(socket);
            this.closeOnExpiry(socket, user);
            this.closeOnAccessChange(socket, user);
            resolve(user);
          },
          (error: unknown) => {
            if (isDatabaseUnavailable(error)) {
              // Not the token's fault: the browser reconnects later with the same one.
              closeWithError(socket, TRY_AGAIN_LATER, 'the database is unavailable: try again later');
              return resolve(null);
            }
            const reason = error instanceof DomainError ? error.message : 'invalid access token';
            const expired = reason === 'access token expired';
            closeWithError(socket, expired ? FrontendCloseCode.TokenExpired : FrontendCloseCode.Unauthorized, reason);
            resolve(null);
          },
        );
      };
      const cleanup = () => {
        clearTimeout(timer);
        socket.off('message', onMessage);
        socket.off('close', onClose);
      };
      socket.on('message', onMessage);
      socket.on('close', onClose);
    });
  }

  /**
   * A socket that must outlive its access token (a terminal: reconnecting would lose its
   * session) presents a fresh one of the same user and role before it expires; its expiry moves
   * to the new token's. Throws (a DomainError) when the token is not valid or not the user's.
   */
  async renew(socket: WebSocket, user: AuthenticatedUser, token: string): Promise<AuthenticatedUser> {
    const fresh = await this.accessTokens.verify(token);
    if (fresh.id !== user.id || fresh.role !== user.role) throw new ForbiddenError('the token is not of this socket\'s user and role');
    if (socket.readyState === socket.OPEN) this.closeOnExpiry(socket, fresh);
    return fresh;
  }

  private closeOnExpiry(socket: WebSocket, user: AuthenticatedUser): void {
    // setTimeout holds at most ~24.8 days; access tokens live minutes.
    const delay = Math.min(Math.max(user.tokenExpiresAt - Date.now(), 0), 2 ** 31 - 1);
    const previous = this.expiry.get(socket);
    clearTimeout(previous);
    const timer = setTimeout(
      () => closeWithError(socket, FrontendCloseCode.TokenExpired, 'access token expired'),
      delay,
    );
    this.expiry.set(socket, timer);
    if (!previous) socket.once('close', () => clearTimeout(this.expiry.get(socket)));
  }

  private closeOnAccessChange(socket: WebSocket, user: AuthenticatedUser): void {
    const unsubscribe = this.bus.subscribe('access', user.id, ({ reason, sessionIds }: UserAccessChange) => {
      if (reason === 'session') {
        if (user.sessionId !== undefined && sessionIds?.includes(user.sessionId)) closeWithError(socket, FrontendCloseCode.Unauthorized, 'this session was ended: sign in again');
      } else if (reason === 'role') closeWithError(socket, FrontendCloseCode.TokenExpired, 'your role changed: reconnect with a fresh access token');
      else closeWithError(socket, FrontendCloseCode.Unauthorized, reason === 'disabled' ? 'your account was disabled' : 'your password was reset: sign in again');
    });
    socket.once('close', unsubscribe);
  }
}
