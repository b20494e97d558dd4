import {
  decodeLightdContainerCommand,
  LIGHTD_CONTAINER_STATES,
  type LightdContainerCommand,
  type LightdContainerEvent,
} from '@pharos/protocol';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { pick } from './random';

/** What the console tells of a container: its name and what it prints. */
export interface ConsoleContainer {
  internalId: string;
  random: () => number;
}

const CHATTER = [
  '[Server thread/INFO]: Saving the game (this may take a moment!)',
  '[Server thread/INFO]: Saved the game',
  '[Server thread/INFO]: Player joined the game',
  '[Server thread/INFO]: Player left the game',
  '[Server thread/WARN]: Can\'t keep up! Is the server overloaded? Running 2041ms behind',
  '[Worker-Main-3/INFO]: Preparing spawn area: 84%',
];

/**
 * A Lightd daemon's container WebSocket (`/ws/<internal_id>?token=…`) for the console proxy to
 * open: it checks the token at the upgrade, streams console lines (each chunk twice, as
 * Lightd does: `console` then `console duplicate`) and `stats` while someone watches, echoes
 * commands, plays power actions as state events, and answers `request_logs`.
 */
export class FakeLightdConsole {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly history = new Map<string, string[]>();
  clients = 0;

  private constructor(
    private readonly server: Server,
    private readonly token: string,
    private readonly containers: Map<string, ConsoleContainer>,
  ) {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
  }

  static async start(token: string, containers: ConsoleContainer[], port = 0): Promise<FakeLightdConsole> {
    const server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return new FakeLightdConsole(server, token, new Map(containers.map((c) => [c.internalId, c])));
  }

  /** The daemon's API base URL, as it is registered in Pharos. */
  get apiUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://lightd');
    const match = /^\/ws\/([^/]+)$/.exec(url.pathname);
    const container = match ? this.containers.get(decodeURIComponent(match[1]!)) : undefined;
    if (!container) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (url.searchParams.get('token') !== this.token) {
      const body = '{"error":"Invalid token"}';
      socket.end(`HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.serve(ws, container));
  }

  private serve(ws: WebSocket, container: ConsoleContainer): void {
    this.clients++;
    const { internalId, random } = container;
    const emit = (event: LightdContainerEvent) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
    };
    const print = (line: string) => {
      const data = `${line}\r\n`;
      const lines = this.history.get(internalId) ?? [];
      lines.push(line);
      if (lines.length > 200) lines.shift();
      this.history.set(internalId, lines);
      emit({ event: 'console', data });
      emit({ event: 'console duplicate', data });
    };
    let running = true;
    const chatter = setInterval(() => running && print(`[${new Date().toISOString().slice(11, 19)}] ${pick(CHATTER, random)}`), 3000 + random() * 4000);
    const stats = setInterval(() => {
      if (!running) return;
      emit({
        event: 'stats',
        cpu_usage: Math.round(random() * 1500) / 10,
        memory_usage: Math.floor(5e8 + random() * 1.5e9),
        memory_limit: 2_147_483_648,
        network_rx: Math.floor(random() * 1e9),
        network_tx: Math.floor(random() * 1e9),
        block_read: Math.floor(random() * 1e9),
        block_write: Math.floor(random() * 1e9),
      });
    }, 2000);
    ws.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return;
      }
      const decoded = decodeLightdContainerCommand(parsed);
      if (!decoded.ok) return;
      this.handle(decoded.value, { emit, print, setRunning: (r) => (running = r), internalId });
    });
    ws.once('close', () => {
      this.clients--;
      clearInterval(chatter);
      clearInterval(stats);
    });
  }

  private handle(
    command: LightdContainerCommand,
    io: { emit: (e: LightdContainerEvent) => void; print: (line: string) => void; setRunning: (r: boolean) => void; internalId: string },
  ): void {
    switch (command.event) {
      case 'send_command':
        io.print(`> ${command.command.replace(/\n$/, '')}`);
        io.print(`Unknown command. Type "help" for help.`);
        return;
      case 'request_logs':
        io.emit({ event: 'logs', data: (this.history.get(io.internalId) ?? ['[init] container created']).join('\n') });
        return;
      case 'power': {
        const [, , starting, running, stopping, exit] = LIGHTD_CONTAINER_STATES;
        if (command.action === 'kill') {
          io.setRunning(false);
          io.emit({ event: 'event', data: stopping });
          io.emit({ event: 'event', data: exit });
          io.emit({ event: 'daemon_message', data: 'Container stopped' });
          return;
        }
        io.emit({ event: 'event', data: starting });
        io.emit({ event: 'daemon_message', data: command.action === 'restart' ? 'Container restarted' : 'Container started' });
        setTimeout(() => {
          io.setRunning(true);
          io.emit({ event: 'event', data: running });
          io.emit({ event: 'daemon_message', data: 'Server started' });
        }, 500);
        return;
      }
    }
  }
}
