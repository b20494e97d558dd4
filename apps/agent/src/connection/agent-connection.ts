import {
  type AgentAuthMessage,
  type AgentClientMessage,
  AgentCloseCode,
  type DetailedAgentMetrics,
  type PharosMessage,
  type PharosMessageType,
  pharosMessageValidators,
  type TerminalAgentMessage,
} from '@pharos/protocol/agent-ws';
import { describeWireError } from '@pharos/protocol/validation';
import WebSocket, { type RawData } from 'ws';
import type { Logger } from '../log';
import type { Backoff } from './backoff';

/** Everything the agent sends once authenticated. */
export type AgentOutbound = AgentClientMessage | DetailedAgentMetrics | TerminalAgentMessage;

export interface ConnectionHandlers {
  /** Authenticated (first time or again): `server_id` is the server this key belongs to. */
  ready(serverId: string): void;
  message(message: Exclude<PharosMessage, { type: 'auth_success' }>): void;
  /** An authenticated connection was lost. */
  lost(): void;
}

export interface AgentConnectionOptions {
  /** `ws(s)://<pharos>/api/v1/agents/ws` */
  url: string;
  hello: Omit<AgentAuthMessage, 'type'>;
  /** Certificates to trust for wss:// (the system's included). */
  ca?: string[];
  userAgent: string;
  backoff: Backoff;
  log: Logger;
  handlers: ConnectionHandlers;
  /** The agent pings Pharos this often, and gives up on a connection silent for the timeout. */
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  /** From the socket opening to `auth_success`. */
  authTimeoutMs?: number;
  /** A connection authenticated this long was a success: the next failure starts backoff over. */
  stableAfterMs?: number;
}

/** Refusals that reconnecting at once will not cure: the longest delay, and an error logged. */
const REFUSALS: Record<number, string> = {
  [AgentCloseCode.Unauthorized]: 'Pharos refused the API key',
  [AgentCloseCode.KeyRevoked]: 'the API key was revoked or its server removed',
  [AgentCloseCode.Replaced]: 'another agent connected with the same key and replaced this one',
};

/**
 * The agent's WebSocket to Pharos (seed 003): connects, authenticates first, keeps the
 * connection alive with pings (and drops one that went silent), and reconnects with
 * exponential backoff and jitter, authenticating again, for as long as the agent runs.
 */
export class AgentConnection {
  private ws?: WebSocket;
  private authenticatedAt: number | null = null;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private authTimer?: NodeJS.Timeout;
  private lastHeard = 0;
  private lastError?: string;
  private pharosSaid?: string;
  serverId: string | null = null;

  constructor(private readonly options: AgentConnectionOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Closes the connection (1000) and stops reconnecting. */
  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => ws.terminate(), 2000);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      ws.close(1000, 'agent stopping');
    });
  }

  get ready(): boolean {
    return this.authenticatedAt !== null && this.ws?.readyState === WebSocket.OPEN;
  }

  /** Sends on an authenticated connection; false when there is none right now. */
  send(message: AgentOutbound): boolean {
    if (!this.ready) return false;
    this.ws!.send(JSON.stringify(message));
    return true;
  }

  private connect(): void {
    const { options } = this;
    const ws = new WebSocket(options.url, { handshakeTimeout: options.authTimeoutMs ?? 15_000, ca: options.ca, headers: { 'user-agent': options.userAgent } });
    this.ws = ws;
    this.pharosSaid = undefined;
    ws.on('open', () => this.opened(ws));
    ws.on('message', (data, isBinary) => this.received(ws, data, isBinary));
    ws.on('ping', () => (this.lastHeard = Date.now()));
    ws.on('pong', () => (this.lastHeard = Date.now()));
    ws.on('error', (error) => (this.lastError = error.message));
    ws.on('close', (code, reason) => this.closed(ws, code, reason.toString()));
  }

  private opened(ws: WebSocket): void {
    this.lastHeard = Date.now();
    ws.send(JSON.stringify({ type: 'auth', ...this.options.hello } satisfies AgentAuthMessage));
    this.authTimer = setTimeout(() => {
      this.lastError = 'no auth_success in time';
      ws.terminate();
    }, this.options.authTimeoutMs ?? 15_000);
    const interval = this.options.heartbeatIntervalMs ?? 15_000;
    this.heartbeatTimer = setInterval(() => this.heartbeat(ws), interval);
  }

  private heartbeat(ws: WebSocket): void {
    const silentMs = Date.now() - this.lastHeard;
    if (silentMs > (this.options.heartbeatTimeoutMs ?? 45_000)) {
      this.lastError = `Pharos silent for ${Math.round(silentMs / 1000)} s`;
      ws.terminate();
      return;
    }
    if (ws.readyState === WebSocket.OPEN) ws.ping();
  }

  private received(ws: WebSocket, data: RawData, isBinary: boolean): void {
    this.lastHeard = Date.now();
    const message = parse(data, isBinary);
    const type = (message as { type?: unknown } | null)?.type;
    const validator = typeof type === 'string' && Object.hasOwn(pharosMessageValidators, type) ? pharosMessageValidators[type as PharosMessageType] : undefined;
    if (!validator) {
      this.options.log.debug('message of an unknown type ignored', { type: String(type) });
      return;
    }
    const checked = validator.validate(message);
    if (!checked.ok) {
      this.options.log.warn('malformed message from Pharos ignored', { type: String(type), error: describeWireError(checked.error) });
      return;
    }
    const value = checked.value as PharosMessage;
    if (value.type === 'auth_success') return this.authenticated(ws, value.server_id);
    if (value.type === 'error') this.pharosSaid = value.message;
    if (this.authenticatedAt === null) {
      if (value.type === 'error') this.options.log.error('Pharos refused the connection', { message: value.message });
      return;
    }
    try {
      this.options.handlers.message(value);
    } catch (error) {
      // One message the agent could not handle must not take the connection (or the agent) down.
      this.options.log.error('message from Pharos could not be handled', { type: value.type, error: (error as Error).message });
    }
  }

  private authenticated(ws: WebSocket, serverId: string): void {
    if (ws !== this.ws || this.authenticatedAt !== null) return;
    clearTimeout(this.authTimer);
    this.authenticatedAt = Date.now();
    this.serverId = serverId;
    this.lastError = undefined;
    this.options.log.info('connected to Pharos', { url: this.options.url, server_id: serverId });
    this.options.handlers.ready(serverId);
  }

  private closed(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.ws) return;
    clearTimeout(this.authTimer);
    clearInterval(this.heartbeatTimer);
    const authenticatedFor = this.authenticatedAt === null ? null : Date.now() - this.authenticatedAt;
    this.authenticatedAt = null;
    if (authenticatedFor !== null) this.options.handlers.lost();
    if (this.stopped) return;
    const { backoff, log } = this.options;
    if (authenticatedFor !== null && authenticatedFor >= (this.options.stableAfterMs ?? 10_000)) backoff.reset();
    const refusal = REFUSALS[code];
    const delay = refusal ? backoff.longest() : backoff.next();
    const fields = { code, reason: reason || this.pharosSaid || this.lastError, retry_in_s: Math.round(delay / 100) / 10 };
    if (refusal) log.error(`${refusal}; retrying`, fields);
    else log.warn(authenticatedFor === null ? 'could not connect to Pharos' : 'disconnected from Pharos', fields);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }
}

function parse(data: RawData, isBinary: boolean): unknown {
  if (isBinary) return null;
  try {
    return JSON.parse(data.toString());
  } catch {
    return null;
  }
}
