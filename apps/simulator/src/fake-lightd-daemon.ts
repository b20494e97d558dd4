import { decodeLightdSocketCommand, type LightdBillingEvent, type LightdContainerStats, type LightdSocketCommand } from '@pharos/protocol';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { lightdBodies } from './lightd-messages';

/** A remote's answer to one update, as Lightd sees it (it only logs failures). */
export interface RemoteAnswer {
  status: number;
  text: string;
}

/** One client connection to a container socket of the fake daemon. */
export interface FakeContainerConnection {
  internalId: string;
  token: string;
  socket: WebSocket;
  /** What the client sent, parsed as Lightd parses it (null: ignored by Lightd). */
  received: (LightdSocketCommand | null)[];
  closed: Promise<void>;
}

/** A token minted by `POST /auth/tokens`, as Lightd's sled store keeps it. */
interface MintedToken {
  expiresAt: number;
  removeOnUse: boolean;
}

/** A container as Lightd's own database and Docker know it. */
export interface FakeContainer {
  internalId: string;
  installState: 'ready' | 'installing' | 'failed';
  /** Set once installed: only then does a socket connection spawn a streamer. */
  containerId: string | null;
  running: boolean;
  /** Streamers spawned since the daemon started, one per socket connection; none ever ends. */
  streamers: { lastLine?: string; duplicates: number }[];
  /** Lightd's per-container log buffer (1,000 lines), filled once per streamer per line. */
  logBuffer: string[];
  lastStats?: LightdContainerStats;
}

export interface FakeLightdOptions {
  /** Lightd's `authorization.token`: REST calls need it; the socket refuses it. */
  masterToken: string;
  /** Lightd's `remote` section: where lifecycle and billing updates go. */
  remote?: { url: string; token: string };
  /** Lightd checks the container runs ~2 s after starting it, then sends `installing` again. */
  postStartCheckMs?: number;
  /** `monitoring.interval_ms`: one billing event per running container per tick. */
  billingIntervalMs?: number;
  /** Told of every update's outcome (Lightd logs and drops a failed one). */
  onUpdate?: (outcome: RemoteAnswer | Error) => void;
  /** Port of the daemon's API (default: any free one). */
  port?: number;
}

const now = () => Math.floor(Date.now() / 1000);

/**
 * A Lightd v2 daemon as its code behaves (Pkg-lat/Lightdv2 221cad0, docs/protocols/lightd-remote.md
 * §2–§6), for Pharos's console proxy and remote:
 *
 * - `POST /auth/tokens` mints socket tokens (`{"ttl","remove_on_use"}`, no auth, as at HEAD);
 *   `GET /containers/{id}/status` wants the master token and the vendor `Accept`;
 * - `/ws/{id}?token=` takes only minted tokens (the master token gets 401 `Invalid or expired
 *   token`), checks the token again before every outbound message and closes when it fails;
 * - frames are `{"event","args":[…]}`, `stats` args[0] JSON text; inbound is untagged
 *   (`send_command`, `power`, `logs`), anything else ignored; `send_command` never reaches the
 *   container (the dropped-receiver defect, §4 a);
 * - every connection ever made to a container spawns a log streamer that never ends, so each
 *   line is broadcast once per connection made since the daemon started (§4 b), each streamer
 *   with its own `console duplicate` counts, and once per streamer into the logs buffer;
 * - the remote side: an install sends installing, installing, ready, then installing again
 *   after the post-start check; each update is its own request (order not guaranteed);
 *   billing sends one rolling one-hour gauge per running container per tick.
 */
export class FakeLightdDaemon {
  readonly connections: FakeContainerConnection[] = [];
  readonly refusedTokens: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  /** Requests to the mint route, with the headers Pharos sent. */
  readonly mintRequests: { authorization?: string; accept?: string; body: unknown }[] = [];
  readonly statusRequests: { internalId: string; authorization?: string; accept?: string }[] = [];
  /** Remote calls made, each with its answer (in the order they were fired). */
  readonly updatesSent: Promise<RemoteAnswer>[] = [];
  masterToken: string;
  /** Where updates go (`remote` in Lightd's config.json): set at start, or once Pharos issued the token. */
  remote?: { url: string; token: string };
  /** Told of every update's outcome (Lightd logs and drops a failed one). */
  onUpdate?: (outcome: RemoteAnswer | Error) => void;
  /** A failing sled token store: minting answers 500, the socket 500 `Token validation failed`. */
  tokenStoreBroken = false;
  private readonly minted = new Map<string, MintedToken>();
  private readonly waiters: (() => void)[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    private readonly options: FakeLightdOptions,
  ) {
    this.masterToken = options.masterToken;
    this.remote = options.remote;
    this.onUpdate = options.onUpdate;
    server.on('request', (req, res) => void this.serveHttp(req, res));
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
  }

  static async start(options: FakeLightdOptions): Promise<FakeLightdDaemon> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return new FakeLightdDaemon(server, options);
  }

  /** The daemon's API base URL, as an admin registers it in Pharos. */
  get apiUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Container sockets open now. */
  get clients(): number {
    return this.connections.filter((c) => c.socket.readyState === c.socket.OPEN).length;
  }

  /** A container Lightd knows and runs (installed earlier, or by `install`). */
  addContainer(internalId: string, state: Partial<Pick<FakeContainer, 'installState' | 'running'>> = {}): FakeContainer {
    const container: FakeContainer = {
      internalId,
      installState: state.installState ?? 'ready',
      containerId: (state.installState ?? 'ready') === 'ready' ? randomUUID().replace(/-/g, '') : null,
      running: state.running ?? true,
      streamers: [],
      logBuffer: [],
    };
    this.containers.set(internalId, container);
    return container;
  }

  open(internalId: string): FakeContainerConnection[] {
    return this.connections.filter((c) => c.internalId === internalId && c.socket.readyState === c.socket.OPEN);
  }

  /** Resolves once `count` connections to the container are open. */
  async waitForOpen(internalId: string, count = 1, timeoutMs = 10_000): Promise<FakeContainerConnection[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.open(internalId).length < count) {
      if (Date.now() > deadline) throw new Error(`no ${count} open connection(s) to ${internalId}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.open(internalId);
  }

  /** What a connection received, once it holds `count` messages (they cross the network after Pharos's answer). */
  async receivedBy(connection: FakeContainerConnection, count: number, timeoutMs = 10_000): Promise<(LightdSocketCommand | null)[]> {
    const deadline = Date.now() + timeoutMs;
    while (connection.received.length < count) {
      if (Date.now() > deadline) throw new Error(`${connection.internalId} received ${connection.received.length} of ${count} messages`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return connection.received;
  }

  /** The container printed `text` (one or more lines): each streamer reads and broadcasts it (console.rs). */
  print(internalId: string, text: string): void {
    const container = this.container(internalId);
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trimEnd();
      if (line === '') continue;
      for (const streamer of container.streamers) {
        if (streamer.lastLine === line) {
          streamer.duplicates++;
          this.broadcast(internalId, 'console duplicate', [String(streamer.duplicates)]);
          continue;
        }
        streamer.lastLine = line;
        streamer.duplicates = 1;
        container.logBuffer.push(line);
        if (container.logBuffer.length > 1000) container.logBuffer.shift();
        this.broadcast(internalId, 'console output', [line]);
      }
    }
  }

  /** A Docker stats sample: broadcast when it differs enough from the last one sent (event_hub.rs). */
  stats(internalId: string, stats: LightdContainerStats): void {
    const container = this.container(internalId);
    const last = container.lastStats;
    const changed =
      !last ||
      last.state !== stats.state ||
      Math.abs(last.cpu_absolute - stats.cpu_absolute) > 0.5 ||
      Math.abs(last.memory_bytes - stats.memory_bytes) > 1_048_576 ||
      Math.abs(last.network.rx_bytes - stats.network.rx_bytes) > 10_240 ||
      Math.abs(last.network.tx_bytes - stats.network.tx_bytes) > 10_240;
    if (!changed) return;
    container.lastStats = stats;
    this.broadcast(internalId, 'stats', [JSON.stringify(stats)]);
  }

  /** A lifecycle or power state (`event`) or a daemon message, to every client of the container. */
  state(internalId: string, state: string): void {
    this.broadcast(internalId, 'event', [state]);
  }

  daemonMessage(internalId: string, text: string): void {
    this.broadcast(internalId, 'daemon_message', [text]);
  }

  /** Any frame, as given (for kinds newer than this fake, and malformed ones). */
  raw(internalId: string, frame: unknown): void {
    for (const connection of this.open(internalId)) this.sendChecked(connection, JSON.stringify(frame));
  }

  /** Every minted token expires now (its TTL ran out). */
  expireTokens(): void {
    for (const token of this.minted.values()) token.expiresAt = now() - 1;
  }

  /** The daemon restarts: sockets drop, streamers and channels are gone; minted tokens stay (sled). */
  restart(): void {
    for (const connection of this.connections) connection.socket.terminate();
    for (const container of this.containers.values()) {
      container.streamers = [];
      container.logBuffer = [];
      container.lastStats = undefined;
    }
  }

  /** Drops every connection to the container without a closing handshake (a crash, a network cut). */
  drop(internalId: string): void {
    for (const connection of this.open(internalId)) connection.socket.terminate();
  }

  /** Stops reading the container's connections, pings included: a daemon hung with TCP still up. */
  hang(internalId: string): void {
    for (const connection of this.open(internalId)) connection.socket.pause();
  }

  // ---------------------------------------------------------------- remote side (Lightd → Pharos)

  /**
   * `POST /containers` and its install job (lifecycle.rs): `Started` and `CreatingContainer`
   * (installing, fired together), `Ready` once installed (ready), and `Started` again after the
   * post-start check (installing). Resolves with each answer once all four were sent.
   * `installed`: how long the install takes, or a promise that ends it.
   */
  async install(internalId: string, installed: number | Promise<void> = 50): Promise<RemoteAnswer[]> {
    const container = this.containers.get(internalId) ?? this.addContainer(internalId, { installState: 'installing', running: false });
    container.installState = 'installing';
    const sent = [this.notify(internalId, 'installing'), this.notify(internalId, 'installing')];
    await (typeof installed === 'number' ? this.sleep(installed) : installed);
    container.installState = 'ready';
    container.containerId ??= randomUUID().replace(/-/g, '');
    sent.push(this.notify(internalId, 'ready'));
    container.running = true;
    await this.sleep(this.options.postStartCheckMs ?? 2000);
    sent.push(this.notify(internalId, 'installing'));
    return Promise.all(sent);
  }

  /** `POST /containers/{id}/reinstall`: marked installing, `ReinstallStarted`, then the install job. */
  async reinstall(internalId: string, installed: number | Promise<void> = 50): Promise<RemoteAnswer[]> {
    this.container(internalId).installState = 'installing';
    const first = this.notify(internalId, 'installing');
    return [await first, ...(await this.install(internalId, installed))];
  }

  /** An install job that fails after it began (an image pull, say): installing twice, then `error: failed`. */
  async failInstall(internalId: string, message: string, afterMs = 50): Promise<RemoteAnswer[]> {
    const container = this.containers.get(internalId) ?? this.addContainer(internalId, { installState: 'installing', running: false });
    container.installState = 'installing';
    const sent = [this.notify(internalId, 'installing'), this.notify(internalId, 'installing')];
    await this.sleep(afterMs);
    sent.push(this.fail(internalId, message));
    return Promise.all(sent);
  }

  /** The install job failed (an image pull, say): `error: failed` with the message. */
  fail(internalId: string, message: string): Promise<RemoteAnswer> {
    const container = this.containers.get(internalId) ?? this.addContainer(internalId, { installState: 'failed', running: false });
    container.installState = 'failed';
    container.running = false;
    return this.post(lightdBodies.error(internalId, 'failed', message));
  }

  /**
   * Billing (tracker.rs): every tick, one event per running container with the means of its
   * last hour of samples. `usage` says what each container's gauge reads.
   */
  startBilling(usage: (internalId: string) => Omit<LightdBillingEvent, 'event' | 'server' | 'timestamp' | 'duration_hours'>): void {
    const tick = () => {
      for (const container of this.containers.values()) {
        if (!container.running || !container.containerId) continue;
        this.post(lightdBodies.billing(container.internalId, { ...usage(container.internalId), duration_hours: 1, timestamp: now() }));
      }
    };
    const timer = setInterval(tick, this.options.billingIntervalMs ?? 1000);
    this.timers.add(timer);
  }

  stopBilling(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
  }

  async close(): Promise<void> {
    this.stopBilling();
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.allSettled(this.updatesSent);
  }

  // ---------------------------------------------------------------- internals

  private container(internalId: string): FakeContainer {
    const container = this.containers.get(internalId);
    if (!container) throw new Error(`the fake daemon has no container ${internalId}`);
    return container;
  }

  /** One status update on its own (e.g. one fired earlier that arrives late). */
  notify(internalId: string, status: 'installing' | 'ready'): Promise<RemoteAnswer> {
    return this.post(lightdBodies.status(internalId, status));
  }

  /** `POST {url}/update` as Lightd's reqwest client sends it: its own task, 10 s timeout, no retry. */
  private post(body: string): Promise<RemoteAnswer> {
    const remote = this.remote;
    if (!remote) throw new Error('the fake daemon has no remote configured');
    const answer = fetch(`${remote.url}/update`, {
      method: 'POST',
      headers: { authorization: `Bearer ${remote.token}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(10_000),
    }).then(async (res) => ({ status: res.status, text: await res.text() }));
    this.updatesSent.push(answer);
    // Lightd logs a failed update and moves on: a failure is never an unhandled rejection here.
    const told = (outcome: RemoteAnswer | Error) => this.onUpdate?.(outcome);
    void answer.then(told, told);
    return answer;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** `validate_token`: unknown, expired, or used-and-remove-on-use tokens fail; `markUsed` removes a remove-on-use token. */
  private validateToken(token: string, markUsed: boolean): boolean {
    const data = this.minted.get(token);
    if (!data) return false;
    if (now() > data.expiresAt) {
      this.minted.delete(token);
      return false;
    }
    if (markUsed && data.removeOnUse) this.minted.delete(token);
    return true;
  }

  private broadcast(internalId: string, event: string, args: string[]): void {
    const frame = JSON.stringify({ event, args });
    for (const connection of this.open(internalId)) this.sendChecked(connection, frame);
  }

  /** The send loop (handler.rs): the token is checked before every message; a failed check ends the socket. */
  private sendChecked(connection: FakeContainerConnection, frame: string): void {
    if (!this.validateToken(connection.token, false)) {
      connection.socket.terminate();
      return;
    }
    connection.socket.send(frame);
  }

  private async serveHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://lightd');
    const json = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const body = await new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => resolve(text));
    });
    if (req.method === 'POST' && url.pathname === '/auth/tokens') return this.mint(req, body, res, json);
    const status = /^\/containers\/([^/]+)\/status$/.exec(url.pathname);
    if (req.method === 'GET' && status) {
      const internalId = decodeURIComponent(status[1]!);
      this.statusRequests.push({ internalId, authorization: req.headers.authorization, accept: req.headers.accept });
      if (!req.headers.accept?.includes('Application/vnd.pkglat')) return json(400, { error: 'Invalid vendor. Expected: Application/vnd.pkglatv1+json' });
      const bearer = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : '';
      if (!bearer.startsWith('lightd_') || bearer !== this.masterToken) {
        return json(401, { error: 'Invalid or missing Bearer token. Format: Authorization: Bearer lightd_<token>' });
      }
      const container = this.containers.get(internalId);
      if (!container) return json(404, { error: 'Container not found' });
      return json(200, {
        internal_id: internalId,
        install_state: container.installState,
        is_installing: container.installState === 'installing',
        container_id: container.containerId,
        is_healthy: true,
        corruption_issue: null,
      });
    }
    res.writeHead(404).end();
  }

  /** `POST /auth/tokens` (router/auth.rs): axum's `Json` extractor, then the TTL parse. */
  private mint(req: IncomingMessage, body: string, res: ServerResponse, json: (status: number, body: unknown) => void): void {
    if (!req.headers['content-type']?.startsWith('application/json')) {
      res.writeHead(415, { 'content-type': 'text/plain' }).end('Expected request with `Content-Type: application/json`');
      return;
    }
    let parsed: { ttl?: unknown; remove_on_use?: unknown };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Failed to parse the request body as JSON');
      return;
    }
    this.mintRequests.push({ authorization: req.headers.authorization, accept: req.headers.accept, body: parsed });
    if (this.tokenStoreBroken) return json(500, { error: 'IO error: No space left on device (os error 28)' });
    if (typeof parsed.ttl !== 'string' || (parsed.remove_on_use !== undefined && typeof parsed.remove_on_use !== 'boolean')) {
      res.writeHead(422, { 'content-type': 'text/plain' }).end('Failed to deserialize the JSON body into the target type');
      return;
    }
    const ttl = parseTtl(parsed.ttl);
    if (ttl === null) return json(400, { error: 'Invalid TTL format' });
    const token = `lightd_${randomUUID().replace(/-/g, '')}`;
    this.minted.set(token, { expiresAt: now() + ttl, removeOnUse: parsed.remove_on_use === true });
    json(200, { token });
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://lightd');
    const match = /^\/ws\/([^/]+)$/.exec(url.pathname);
    const reply = (status: string, body: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    if (!match) return void reply('404 Not Found', '');
    const token = url.searchParams.get('token');
    if (token === null) return void reply('400 Bad Request', 'Failed to deserialize query string: missing field `token`');
    if (this.tokenStoreBroken) return void reply('500 Internal Server Error', 'Token validation failed');
    if (!this.validateToken(token, true)) {
      this.refusedTokens.push(token);
      return void reply('401 Unauthorized', 'Invalid or expired token');
    }
    const internalId = decodeURIComponent(match[1]!);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const container = this.containers.get(internalId);
      // An unknown container: the handler returns at once and the socket is dropped, no frame.
      if (!container) return void ws.terminate();
      if (container.containerId) container.streamers.push({ duplicates: 0 });
      const connection: FakeContainerConnection = {
        internalId,
        token,
        socket: ws,
        received: [],
        closed: new Promise((resolve) => ws.once('close', () => resolve())),
      };
      ws.on('message', (data) => this.answer(connection, data.toString()));
      this.connections.push(connection);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** `handle_inbound_event` (handler.rs) after serde's untagged parse. */
  private answer(connection: FakeContainerConnection, text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const command = decodeLightdSocketCommand(parsed);
    connection.received.push(command);
    if (!command) return;
    const id = connection.internalId;
    if ('logs' in command) {
      const count = /^\d+$/.test(command.logs[0] ?? '') ? Number(command.logs[0]) : 50;
      const buffer = this.container(id).logBuffer;
      this.broadcast(id, 'logs', buffer.slice(Math.max(0, buffer.length - count)));
    } else if ('power' in command) {
      this.power(id, (command.power[0] ?? '').toLowerCase());
    }
    // send_command: the channel's stdin receiver was dropped (defect a): "Failed to send command".
  }

  /** The handler's state event, then the power manager's events (main.rs), then the streamers'. */
  private power(internalId: string, action: string): void {
    const container = this.container(internalId);
    if (action === 'start') {
      this.state(internalId, 'starting');
      this.state(internalId, 'starting');
      container.running = true;
      this.daemonMessage(internalId, 'Container started');
    } else if (action === 'kill') {
      this.state(internalId, 'stopping');
      this.state(internalId, 'stopping');
      container.running = false;
      this.daemonMessage(internalId, 'Container stopped');
      for (const _ of container.streamers) {
        this.state(internalId, 'exit');
        this.daemonMessage(internalId, 'Container stopped');
      }
    } else if (action === 'restart') {
      this.state(internalId, 'stopping');
      this.state(internalId, 'stopping');
      this.daemonMessage(internalId, 'Container restarted');
    }
  }
}

/** `parse_ttl` (router/auth.rs): `<n>m`, `<n>h`, `<n>s` or bare seconds. */
function parseTtl(ttl: string): number | null {
  const trimmed = ttl.trim();
  const match = /^(\d+)([mhs]?)$/.exec(trimmed);
  if (!match) return null;
  const n = Number(match[1]);
  return match[2] === 'm' ? n * 60 : match[2] === 'h' ? n * 3600 : n;
}
