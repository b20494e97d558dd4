import type { LightdContainerCommand, LightdContainerEvent } from '@pharos/protocol';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

/** One client connection to a container socket of the fake daemon. */
export interface FakeContainerConnection {
  internalId: string;
  token: string;
  socket: WebSocket;
  /** What the client sent, parsed. */
  received: LightdContainerCommand[];
  closed: Promise<void>;
}

/**
 * A Lightd daemon's container WebSocket as Lightd's docs describe it (docs/protocols/seeds/001_bb067a05372d920a.txt, 002):
 * `ws://<host>/ws/<internal_id>?token=<token>`, the token checked at connect (HTTP 401 and no
 * upgrade when it is not one of the daemon's tokens), nothing sent until something happens,
 * `logs` in answer to `request_logs`, state events and daemon messages after power actions.
 */
export class FakeLightdDaemon {
  readonly connections: FakeContainerConnection[] = [];
  readonly refusedTokens: string[] = [];
  /** Historical lines per container, the answer to `request_logs`. */
  readonly history = new Map<string, string>();
  private readonly waiters: (() => void)[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });

  private constructor(
    private readonly server: Server,
    readonly tokens: Set<string>,
  ) {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
  }

  static async start(tokens: string[]): Promise<FakeLightdDaemon> {
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeLightdDaemon(server, new Set(tokens));
  }

  /** The daemon's API base URL, as an admin registers it in Pharos. */
  get apiUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
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
  async receivedBy(connection: FakeContainerConnection, count: number, timeoutMs = 10_000): Promise<LightdContainerCommand[]> {
    const deadline = Date.now() + timeoutMs;
    while (connection.received.length < count) {
      if (Date.now() > deadline) throw new Error(`${connection.internalId} received ${connection.received.length} of ${count} messages`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return connection.received;
  }

  /** Sends an event to every client of the container (each has its own stream). */
  emit(internalId: string, event: LightdContainerEvent | Record<string, unknown>): void {
    for (const connection of this.open(internalId)) connection.socket.send(JSON.stringify(event));
  }

  /** A console chunk the way Lightd sends it: once as `console`, again as `console duplicate`. */
  print(internalId: string, data: string): void {
    this.emit(internalId, { event: 'console', data });
    this.emit(internalId, { event: 'console duplicate', data });
  }

  /** Drops every connection to the container without a closing handshake (a crash, a network cut). */
  drop(internalId: string): void {
    for (const connection of this.open(internalId)) connection.socket.terminate();
  }

  /** Stops reading the container's connections, pings included: a daemon hung with TCP still up. */
  hang(internalId: string): void {
    for (const connection of this.open(internalId)) connection.socket.pause();
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://lightd');
    const match = /^\/ws\/([^/]+)$/.exec(url.pathname);
    const token = url.searchParams.get('token') ?? '';
    if (!match) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!this.tokens.has(token)) {
      this.refusedTokens.push(token);
      const body = '{"error":"Invalid token"}';
      socket.end(`HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      return;
    }
    const internalId = decodeURIComponent(match[1]!);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const connection: FakeContainerConnection = {
        internalId,
        token,
        socket: ws,
        received: [],
        closed: new Promise((resolve) => ws.once('close', () => resolve())),
      };
      ws.on('message', (data) => this.answer(connection, JSON.parse(data.toString())));
      this.connections.push(connection);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  private answer(connection: FakeContainerConnection, message: LightdContainerCommand): void {
    connection.received.push(message);
    const reply = (event: LightdContainerEvent) => connection.socket.send(JSON.stringify(event));
    if (message.event === 'request_logs') reply({ event: 'logs', data: this.history.get(connection.internalId) ?? '' });
    if (message.event === 'power') {
      const [state, said] = { start: ['starting', 'Container started'], kill: ['exit', 'Container stopped'], restart: ['starting', 'Container restarted'] }[message.action];
      this.emit(connection.internalId, { event: 'event', data: state! });
      this.emit(connection.internalId, { event: 'daemon_message', data: said! });
    }
  }
}
