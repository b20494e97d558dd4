import { Logger } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import {
  type BrowserTerminalMessage,
  browserTerminalValidators,
  FRONTEND_TERMINAL_WS_PATH,
  TERMINAL_MAX_CHUNK_BYTES,
  type TerminalSocketMessage,
} from '@pharos/protocol';
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import type { AuthenticatedUser } from '../../identity/access/authenticated-user';
import { BrowserSocketAuthenticator } from '../../identity/auth/browser-socket-auth';
import { TerminalRelayService, type TerminalSession } from '../../fleet/terminals/terminal-relay.service';
import { ClusterMembership } from '../../platform/cluster/cluster-membership';
import { PharosConfig } from '../../platform/config/pharos-config';
import { DomainError } from '../../platform/errors/domain-errors';
import { parseJsonFrame, sendJson } from '../../platform/websockets/json-socket';
import { wsPathParams } from '../../platform/websockets/ws-path';
import { LiveSocketsService } from './live-sockets.service';
import { LiveSubjectsService } from './live-subjects.service';

/** An input message: 64 KiB of bytes in base64, and the JSON around them. */
const TERMINAL_MAX_CLIENT_MESSAGE_BYTES = Math.ceil(TERMINAL_MAX_CHUNK_BYTES / 3) * 4 + 1024;

/** The terminal's size from `?cols=&rows=`, 80 × 24 when absent or out of range. */
export function terminalSize(url: string | undefined): { cols: number; rows: number } {
  const query = new URL(url ?? '/', 'ws://pharos/').searchParams;
  const cells = (name: string, fallback: number) => {
    const value = Number(query.get(name));
    return Number.isInteger(value) && value >= 1 && value <= 1000 ? value : fallback;
  };
  return { cols: cells('cols', 80), rows: cells('rows', 24) };
}

/**
 * `/api/v1/ws/terminal/{server_id}?cols=&rows=` (docs/protocols/agent-websocket.md, "Terminal
 * relay"): an admin's terminal on the server's host. After `auth` (admins only: others are
 * refused with 4003), the relay opens a session on the server's agent and the socket carries
 * it: `input`, `resize`, `ack` (bytes drawn in all), `token` in; `opened`, `output`, `exit` out.
 * The session ends when the socket closes, and the socket closes (1000, after `exit`) when the
 * session ends.
 */
@WebSocketGateway({ path: FRONTEND_TERMINAL_WS_PATH })
export class TerminalLiveGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger(TerminalLiveGateway.name);

  constructor(
    private readonly live: LiveSocketsService,
    private readonly subjects: LiveSubjectsService,
    private readonly relay: TerminalRelayService,
    private readonly authenticator: BrowserSocketAuthenticator,
    private readonly config: PharosConfig,
    membership: ClusterMembership,
  ) {
    membership.gauge('terminals', () => this.relay.openSessions());
  }

  afterInit(server: WebSocketServer): void {
    server.options.maxPayload = TERMINAL_MAX_CLIENT_MESSAGE_BYTES;
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const { serverId = '' } = wsPathParams(FRONTEND_TERMINAL_WS_PATH, request.url);
    const size = terminalSize(request.url);
    void this.serve(socket, serverId, size).catch((error: unknown) => this.logger.error({ err: error, serverId }, 'terminal socket failed'));
  }

  private async serve(socket: WebSocket, serverId: string, size: { cols: number; rows: number }): Promise<void> {
    const stream = await this.live.open(socket, (user) => this.subjects.terminal(user, serverId));
    if (!stream) return;
    let user: AuthenticatedUser = stream.user;
    const send = (message: TerminalSocketMessage) => sendJson(socket, message);
    let session: TerminalSession;
    try {
      session = await this.relay.open(user, serverId, size, {
        opened: (sessionId, shell, window) => send({ type: 'opened', session_id: sessionId, shell, window }),
        output: (data) => {
          // The agent's window bounds what waits here; a socket holding more is not draining.
          if (socket.bufferedAmount > this.config.liveSendBufferBytes) session.end({ reason: 'overrun', message: 'The browser does not keep up' }, true);
          else send({ type: 'output', data });
        },
        ended: (end) => {
          send({
            type: 'exit',
            reason: end.reason,
            ...(end.exitCode !== undefined ? { exit_code: end.exitCode } : {}),
            ...(end.signal !== undefined ? { signal: end.signal } : {}),
            ...(end.message !== undefined ? { message: end.message } : {}),
          });
          if (socket.readyState === socket.OPEN) socket.close(1000, 'Terminal ended');
        },
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      send({ type: 'exit', reason: 'refused', message: capitalise(error.message) });
      socket.close(1000, 'Terminal refused');
      return;
    }
    stream.onEnd(() => session.close());
    socket.on('message', (data: RawData, isBinary: boolean) => {
      const message = readMessage(parseJsonFrame(data, isBinary));
      if (!message) {
        send({ type: 'error', message: 'Invalid message format' });
        return;
      }
      switch (message.type) {
        case 'input':
          session.input(message.data);
          return;
        case 'resize':
          session.resize(message.cols, message.rows);
          return;
        case 'ack':
          session.consumed(message.bytes);
          return;
        case 'close':
          session.close();
          return;
        case 'token':
          this.authenticator.renew(socket, user, message.token).then(
            (fresh) => {
              user = fresh;
              send({ type: 'token_ok', expires_at: new Date(fresh.tokenExpiresAt).toISOString() });
            },
            (error: unknown) => send({ type: 'error', message: error instanceof DomainError ? capitalise(error.message) : 'Invalid access token' }),
          );
          return;
        case 'ping':
          return; // answered by the live stream
      }
    });
  }
}

function readMessage(value: unknown): BrowserTerminalMessage | undefined {
  const type = (value as { type?: unknown } | undefined)?.type;
  if (typeof type !== 'string' || !Object.hasOwn(browserTerminalValidators, type)) return undefined;
  const parsed = browserTerminalValidators[type as keyof typeof browserTerminalValidators].validate(value);
  return parsed.ok ? (parsed.value as BrowserTerminalMessage) : undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
