import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { FrontendCloseCode, type FrontendServerMessage } from '@pharos/protocol';
import type { WebSocket } from 'ws';
import type { AuthenticatedUser } from '../../identity/access/authenticated-user';
import { ClusterMembership } from '../../platform/cluster/cluster-membership';
import { PharosConfig } from '../../platform/config/pharos-config';
import { DomainError } from '../../platform/errors/domain-errors';
import { BrowserSocketAuthenticator } from '../../identity/auth/browser-socket-auth';
import { closeWithError, parseJsonFrame, sendJson } from '../../platform/websockets/json-socket';
import type { LiveSubject } from './live-subjects.service';

/** Browsers only send their auth message (and pings): anything bigger is not a browser of ours. */
export const LIVE_MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

/** Standard close code for "try again later": the browser could not keep up. */
const TRY_AGAIN_LATER = 1013;

/** One browser socket watching one subject, past authentication and the per-user cap. */
export class LiveStream {
  private readonly endHandlers: (() => void)[] = [];
  /** Whether the browser answered (or spoke) since the last heartbeat. */
  alive = true;

  constructor(
    readonly socket: WebSocket,
    readonly user: AuthenticatedUser,
    readonly subject: LiveSubject,
    private readonly maxBufferedBytes: number,
  ) {
    socket.once('close', () => {
      for (const handler of this.endHandlers.splice(0)) handler();
    });
    // Browsers cannot send WebSocket pings; an application ping keeps proxies from timing out.
    socket.on('message', (data, isBinary) => {
      this.alive = true;
      if ((parseJsonFrame(data, isBinary) as { type?: unknown } | undefined)?.type === 'ping') sendJson(socket, { type: 'pong' });
    });
    socket.on('pong', () => (this.alive = true));
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Sends a message; a browser that lets too much pile up is disconnected (it reconnects). */
  push(message: FrontendServerMessage): void {
    if (!this.open) return;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      closeWithError(this.socket, TRY_AGAIN_LATER, 'Too slow to keep up: reconnect');
      return;
    }
    sendJson(this.socket, message);
  }

  onEnd(handler: () => void): void {
    if (this.socket.readyState === this.socket.CLOSED) handler();
    else this.endHandlers.push(handler);
  }
}

/**
 * Opens the browsers' live sockets: authenticates the first message (docs/protocols/agent-websocket.md), enforces the
 * per-user socket cap, resolves the subject, and refuses with `{"type":"error"}` and a clear
 * close code when any of that fails.
 */
@Injectable()
export class LiveSocketsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveSocketsService.name);
  private readonly openPerUser = new Map<string, number>();
  private readonly streams = new Set<LiveStream>();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly authenticator: BrowserSocketAuthenticator,
    private readonly config: PharosConfig,
    membership: ClusterMembership,
  ) {
    membership.gauge('browsers', () => this.streams.size);
  }

  onModuleInit(): void {
    this.heartbeat = setInterval(() => this.checkHeartbeats(), this.config.liveHeartbeatSeconds * 1000);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
  }

  /** The stream, or null when the socket was refused (and closed). */
  async open(socket: WebSocket, resolve: (user: AuthenticatedUser) => Promise<LiveSubject>): Promise<LiveStream | null> {
    const user = await this.authenticator.authenticate(socket);
    if (!user) return null;
    if (!this.acquire(user.id)) {
      closeWithError(socket, FrontendCloseCode.TooManyConnections, `Too many live connections (at most ${this.config.liveSocketsPerUser} per user)`);
      return null;
    }
    socket.once('close', () => this.release(user.id));
    let subject: LiveSubject;
    try {
      subject = await resolve(user);
    } catch (error) {
      if (!(error instanceof DomainError)) this.logger.error({ err: error }, 'could not resolve a live subject');
      const message = error instanceof DomainError ? error.message : 'Internal error';
      closeWithError(socket, error instanceof DomainError ? FrontendCloseCode.Forbidden : 1011, capitalise(message));
      return null;
    }
    if (socket.readyState !== socket.OPEN) return null;
    const stream = new LiveStream(socket, user, subject, this.config.liveSendBufferBytes);
    this.streams.add(stream);
    stream.onEnd(() => this.streams.delete(stream));
    return stream;
  }

  /** Sockets a user holds open (for tests and diagnostics). */
  openSockets(userId: string): number {
    return this.openPerUser.get(userId) ?? 0;
  }

  /** A browser that slept or lost its network leaves a socket nobody reads: drop it. */
  private checkHeartbeats(): void {
    for (const stream of this.streams) {
      if (!stream.alive) {
        stream.socket.terminate();
        continue;
      }
      stream.alive = false;
      if (stream.open) stream.socket.ping();
    }
  }

  private acquire(userId: string): boolean {
    const count = this.openPerUser.get(userId) ?? 0;
    if (count >= this.config.liveSocketsPerUser) return false;
    this.openPerUser.set(userId, count + 1);
    return true;
  }

  private release(userId: string): void {
    const count = (this.openPerUser.get(userId) ?? 1) - 1;
    if (count <= 0) this.openPerUser.delete(userId);
    else this.openPerUser.set(userId, count);
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
