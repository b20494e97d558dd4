import type { Logger } from '@nestjs/common';
import {
  type ConsoleLinkState,
  type ConsoleProxyServerMessage,
  type ConsoleUpstreamMessage,
  decodeLightdSocketFrame,
  type LightdContainerCommand,
  lightdSocketCommand,
  type LightdSocketFrame,
  type LightdStateEvent,
  type LightdStatsEvent,
} from '@pharos/protocol';
import WebSocket, { type RawData } from 'ws';
import type { AuthenticatedUser } from '../../../identity/access/authenticated-user';
import { parseJsonFrame } from '../../../platform/websockets/json-socket';
import { ConsoleLineFolder } from './console-line-folder';
import { withoutToken } from './lightd-socket-url';
import { reconnectDelayMs } from './reconnect-backoff';

/** One admin's browser socket watching a container's console. */
export interface ConsoleViewer {
  readonly user: AuthenticatedUser;
  send(message: ConsoleProxyServerMessage): void;
  close(code: number, message: string): void;
}

/** Where to open the daemon's container socket; looked up (and a token minted) before every attempt. */
export interface ConsoleEndpoint {
  /** Holds a token: never shown, never logged. */
  socketUrl: string;
  /** Every secret the attempt uses (the socket token, the API token), scrubbed from messages. */
  secrets: string[];
  /** The socket token was minted by the daemon for this attempt (v2), not its API token itself. */
  minted: boolean;
}

/** Why an attempt cannot start; `final` when retrying cannot help (the container is gone). */
export class ConsoleEndpointError extends Error {
  constructor(
    message: string,
    readonly final = false,
  ) {
    super(message);
    this.name = 'ConsoleEndpointError';
  }
}

export interface ConsoleLinkTiming {
  reconnectMinMs: number;
  reconnectMaxMs: number;
  connectTimeoutMs: number;
  pingIntervalMs: number;
}

/** Largest frame accepted from a daemon (a `logs` answer carries the container's history). */
const MAX_DAEMON_FRAME_BYTES = 16 * 1024 * 1024;
/** Lines a log request asks for, per copy Lightd keeps of each (its buffer holds 1,000). */
const LOG_REQUEST_LINES = 100;

/**
 * Pharos's one connection to a container's socket on its Lightd daemon, shared by every
 * admin watching that container: Lightd v2 leaves a log streamer running for every connection
 * ever made (docs/protocols/lightd-remote.md §4), so one long-lived connection is the least
 * harm. It reconnects with exponential backoff while anyone watches (a fresh token each time:
 * an expired one closes the socket), tells the viewers how the link stands in words they can
 * act on, passes each console line on once (`ConsoleLineFolder`), a repeated line as often as
 * it was printed, answers `request_logs` to the viewer who asked, and replays the latest stats
 * and state to a viewer who joins late (Lightd sends them only on change).
 */
export class DaemonConsoleLink {
  private readonly viewers = new Set<ConsoleViewer>();
  private readonly folder = new ConsoleLineFolder();
  /** The last console line that came (copies too): what a `console duplicate` repeats. */
  private lastLine?: string;
  private readonly logRequesters: ConsoleViewer[] = [];
  private socket: WebSocket | null = null;
  private upstream: ConsoleUpstreamMessage = { type: 'upstream', state: 'connecting', message: '' };
  private lastStats?: LightdStatsEvent;
  private lastState?: LightdStateEvent;
  private attempt = 0;
  private retryTimer?: NodeJS.Timeout;
  /** Why the link is being dropped on purpose, for the viewers. */
  private dropReason?: string;
  private closed = false;

  constructor(
    /** How messages name the far end, e.g. `Lightd daemon "node-7"`. */
    private readonly daemonLabel: string,
    private readonly endpoint: () => Promise<ConsoleEndpoint>,
    private readonly timing: ConsoleLinkTiming,
    /** Called when the link gives up for good (see `ConsoleEndpointError.final`). */
    private readonly onFinalFailure: (message: string) => void,
    private readonly logger: Logger,
  ) {}

  get viewerCount(): number {
    return this.viewers.size;
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    void this.connect();
  }

  add(viewer: ConsoleViewer): void {
    this.viewers.add(viewer);
    viewer.send(this.upstream);
    if (this.lastState) viewer.send(this.lastState);
    if (this.lastStats) viewer.send(this.lastStats);
  }

  remove(viewer: ConsoleViewer): void {
    this.viewers.delete(viewer);
    const asked = this.logRequesters.indexOf(viewer);
    if (asked !== -1) this.logRequesters.splice(asked, 1);
  }

  /** Sends a client message to the daemon; false when the link is not up. */
  send(command: LightdContainerCommand, from: ConsoleViewer): boolean {
    if (!this.socket || !this.connected) return false;
    if (command.event === 'request_logs') this.logRequesters.push(from);
    this.socket.send(JSON.stringify(lightdSocketCommand(command, LOG_REQUEST_LINES * this.folder.estimatedFanOut)));
    return true;
  }

  /** Drops the connection and opens a new one promptly (the daemon's address or token changed). */
  reconnectNow(reason: string): void {
    this.attempt = 0;
    if (this.socket) {
      this.dropReason = reason;
      this.socket.terminate();
    } else if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      void this.connect();
    }
  }

  /** Closes the daemon socket; with `viewersClose`, every viewer's socket too. */
  close(viewersClose?: { code: number; message: string }): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.socket?.terminate();
    this.socket = null;
    if (viewersClose) for (const viewer of this.viewers) viewer.close(viewersClose.code, viewersClose.message);
    this.viewers.clear();
  }

  private async connect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.closed) return;
    this.publish('connecting', `Connecting to ${this.daemonLabel}`);
    let endpoint: ConsoleEndpoint;
    try {
      endpoint = await this.endpoint();
    } catch (error) {
      if (error instanceof ConsoleEndpointError && error.final) return this.onFinalFailure(error.message);
      if (!(error instanceof ConsoleEndpointError)) this.logger.error({ err: error }, 'could not look up a console endpoint');
      return this.retryLater(error instanceof ConsoleEndpointError ? error.message : 'Pharos could not read the daemon\'s settings');
    }
    if (this.closed) return;
    const scrub = (text: string) => endpoint.secrets.reduce((clean, secret) => clean.split(secret).join('[redacted]'), text);
    const socket = new WebSocket(endpoint.socketUrl, {
      handshakeTimeout: this.timing.connectTimeoutMs,
      perMessageDeflate: false,
      maxPayload: MAX_DAEMON_FRAME_BYTES,
    });
    this.socket = socket;
    let failure: string | undefined;
    let alive = true;
    let pingTimer: NodeJS.Timeout | undefined;

    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      failure = !(status === 401 || status === 403)
        ? `${this.daemonLabel} refused the console connection (HTTP ${status})`
        : endpoint.minted
          ? `${this.daemonLabel} refused the console token it had just issued (HTTP ${status}): is its clock or token store sane?`
          : `${this.daemonLabel} refused Pharos's API token (HTTP ${status}): check the daemon's API token in Pharos`;
      response.resume();
      socket.terminate();
    });
    socket.on('open', () => {
      this.attempt = 0;
      // One streamer more on the daemon (or a restarted one): what was learnt no longer holds.
      this.folder.reset();
      this.lastLine = undefined;
      this.publish('connected', `Connected to ${this.daemonLabel}`);
      pingTimer = setInterval(() => {
        // A daemon that vanished without closing TCP would otherwise leave a silent console.
        if (!alive) {
          failure = `${this.daemonLabel} stopped answering`;
          socket.terminate();
          return;
        }
        alive = false;
        socket.ping();
      }, this.timing.pingIntervalMs);
      pingTimer.unref();
    });
    socket.on('pong', () => (alive = true));
    socket.on('message', (data, isBinary) => this.relay(data, isBinary));
    socket.on('error', (error) => (failure ??= `${this.daemonLabel} is unreachable: ${scrub(error.message)}`));
    socket.on('close', (code, reason) => {
      clearInterval(pingTimer);
      if (this.socket === socket) this.socket = null;
      // Lightd answers request_logs on the connection that asked; a new one will not.
      this.logRequesters.length = 0;
      if (this.closed) return;
      const said = reason.length > 0 ? `: ${scrub(reason.toString())}` : '';
      const why = failure ?? this.dropReason ?? `${this.daemonLabel} closed the console connection (code ${code}${said})`;
      this.dropReason = undefined;
      this.retryLater(why);
    });
    this.logger.debug({ url: withoutToken(endpoint.socketUrl) }, 'opening a console connection');
  }

  private retryLater(reason: string): void {
    if (this.closed) return;
    const delay = reconnectDelayMs(this.attempt++, this.timing.reconnectMinMs, this.timing.reconnectMaxMs);
    this.logger.warn({ daemon: this.daemonLabel, retryInMs: delay }, reason);
    this.publish('disconnected', reason, delay);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }

  private publish(state: ConsoleLinkState, message: string, retryInMs?: number): void {
    this.upstream = { type: 'upstream', state, message, ...(retryInMs !== undefined ? { retry_in_ms: retryInMs } : {}) };
    this.broadcast(this.upstream);
  }

  private relay(data: RawData, isBinary: boolean): void {
    const frame = decodeLightdSocketFrame(parseJsonFrame(data, isBinary));
    if (frame.kind === 'invalid') {
      this.logger.debug({ daemon: this.daemonLabel, reason: frame.reason }, 'dropped a malformed frame from a daemon');
      return;
    }
    this.pass(frame);
  }

  private pass(frame: Exclude<LightdSocketFrame, { kind: 'invalid' }>): void {
    switch (frame.kind) {
      case 'line':
        this.lastLine = frame.text;
        if (this.folder.accept(`line:${frame.text}`)) this.broadcast({ event: 'console', data: asChunk(frame.text) });
        return;
      case 'repeat':
        // "The previous line, n times": each count that is not a copy shows the line once more.
        if (this.lastLine !== undefined && this.folder.accept(`repeat:${frame.count}:${this.lastLine}`)) this.broadcast({ event: 'console', data: asChunk(this.lastLine) });
        return;
      case 'twin':
        return;
      case 'stats':
        this.lastStats = frame.event;
        return this.broadcast(frame.event);
      case 'state':
        this.lastState = { event: 'event', data: frame.state };
        return this.broadcast(this.lastState);
      case 'daemon_message':
        return this.broadcast({ event: 'daemon_message', data: frame.text });
      case 'logs': {
        const logs = { event: 'logs' as const, data: this.folder.foldLogs(frame.lines).join('\n') };
        const requester = this.logRequesters.shift();
        return requester ? requester.send(logs) : this.broadcast(logs);
      }
      case 'unknown':
        return this.broadcast(frame.event);
    }
  }

  private broadcast(message: ConsoleProxyServerMessage): void {
    for (const viewer of this.viewers) viewer.send(message);
  }
}

/** A v2 line (no newline) as console text; a seed chunk (with its own) as it came. */
function asChunk(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
