import { words } from '../i18n/i18n';
import { api, ApiError } from './client';

/** How a live socket stands, for the little indicator beside live views. */
export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** Close codes Pharos uses on browser sockets (see `FrontendCloseCode` in @pharos/protocol). */
const UNAUTHORIZED = 4001;
const FORBIDDEN = 4003;
const TOKEN_EXPIRED = 4401;
const TOO_MANY = 4429;

export interface LiveSocketHandlers<M> {
  onMessage: (message: M) => void;
  onState?: (state: LiveState, detail?: string) => void;
  /** Called on every (re)connection after auth was sent: e.g. to clear what a reconnect resends. */
  onOpen?: () => void;
  /**
   * Send `{"type":"ping"}` shortly after auth and then now and again (the metrics and logs
   * sockets answer `pong`): it tells a quiet socket is live, and keeps proxies from closing it.
   */
  ping?: boolean;
}

const PING_EVERY_MS = 25_000;

/**
 * One of Pharos's browser sockets (`/api/v1/ws/…`): authenticates with the first message,
 * reconnects with backoff when the connection drops, and with a fresh token when Pharos
 * closes it because the access token expired (4401). A refusal (4003, 4429) stops it.
 */
export class LiveSocket<M = unknown, C = unknown> {
  private ws: WebSocket | null = null;
  private stopped = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pinger: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly path: string,
    private readonly handlers: LiveSocketHandlers<M>,
  ) {}

  start(): this {
    void this.connect();
    return this;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pinger);
    this.ws?.close(1000);
    this.ws = null;
  }

  /** Sends a client message; false when the socket is not open. */
  send(message: C): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  private async connect(freshToken = false): Promise<void> {
    if (this.stopped) return;
    this.handlers.onState?.(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let token: string;
    try {
      token = await api.token(freshToken);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return this.end(words().sessionEnded);
      return this.retry(freshToken, words().errorUnreachableShort);
    }
    if (this.stopped) return;
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${this.path}`);
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'auth', token }));
      this.handlers.onOpen?.();
      if (this.handlers.ping) {
        // The first ping waits for Pharos to finish authenticating (earlier ones are dropped).
        const ping = () => ws.readyState === WebSocket.OPEN && ws.send('{"type":"ping"}');
        setTimeout(ping, 400);
        clearInterval(this.pinger);
        this.pinger = setInterval(ping, PING_EVERY_MS);
      }
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      let message: unknown;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      this.attempt = 0;
      this.handlers.onState?.('live');
      if ((message as { type?: unknown }).type !== 'pong') this.handlers.onMessage(message as M);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = null;
      clearInterval(this.pinger);
      if (event.code === FORBIDDEN) return this.end(event.reason || words().liveForbidden);
      if (event.code === TOO_MANY) return this.end(words().liveTooMany);
      // An expired or refused token: reconnect with a fresh one (at once the first time).
      const tokenRefused = event.code === TOKEN_EXPIRED || event.code === UNAUTHORIZED;
      this.retry(tokenRefused, event.reason || undefined, tokenRefused && this.attempt === 0 ? 0 : undefined);
    };
  }

  private retry(freshToken: boolean, detail?: string, delay = Math.min(15_000, 500 * 2 ** this.attempt)): void {
    this.attempt++;
    this.handlers.onState?.('reconnecting', detail);
    this.timer = setTimeout(() => void this.connect(freshToken), delay);
  }

  private end(detail: string): void {
    this.stopped = true;
    this.handlers.onState?.('stopped', detail);
  }
}
