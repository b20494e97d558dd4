import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import type { EdgeSettings } from '../config/pharos-config';
import { limitSocket } from './socket-limits';
import { compileWsPath, type WsPathPattern } from './ws-path';

type PatternedServer = WebSocketServer & { path?: string; pathPattern?: WsPathPattern };

/**
 * Nest's `ws` adapter, sharing the HTTP port, with two changes Pharos's protocols need:
 * gateway paths may have parameters (`/api/v1/ws/logs/:serverId`), and an upgrade to an
 * unknown path is answered 404 instead of a silently dropped connection. Every socket gets the
 * limits of `socket-limits.ts` before its gateway sees it, and every server a `maxPayload`
 * (`WS_MAX_PAYLOAD_BYTES` unless the gateway sets its own; `ws` alone would take 100 MiB).
 * Gateways read their sockets' messages themselves (the protocols are `type`-tagged, not
 * Nest's `event`/`data`).
 */
export class PharosWsAdapter extends WsAdapter {
  private readonly serversByPort = new Map<number, PatternedServer[]>();
  private readonly boundHttpServers = new Set<unknown>();

  constructor(
    app: INestApplicationContext,
    private readonly edge: EdgeSettings,
  ) {
    super(app);
  }

  override create(port: number, options: Record<string, unknown> = {}): WebSocketServer {
    return super.create(port, { maxPayload: this.edge.wsMaxPayloadBytes, ...options }) as WebSocketServer;
  }

  override bindMessageHandlers(client: any, handlers: any[], transform: any): void {
    if (handlers.length > 0) super.bindMessageHandlers(client, handlers, transform);
  }

  protected override addWsServerToRegistry<T extends Record<'path', string> = any>(wsServer: T, port: number, path: string): void {
    const server = wsServer as unknown as PatternedServer;
    server.pathPattern = compileWsPath(path);
    const servers = this.serversByPort.get(port) ?? [];
    servers.push(server);
    this.serversByPort.set(port, servers);
  }

  protected override ensureHttpServerExists(port: number, httpServer?: HttpServer): HttpServer | undefined {
    if (!httpServer || this.boundHttpServers.has(httpServer)) return httpServer;
    this.boundHttpServers.add(httpServer);
    httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      let pathname: string;
      try {
        pathname = new URL(request.url ?? '/', 'ws://pharos/').pathname.replace(/\/{2,}/g, '/');
      } catch {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
        return;
      }
      const server = (this.serversByPort.get(port) ?? []).find((s) => s.pathPattern?.match(pathname));
      if (!server) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      server.handleUpgrade(request, socket, head, (ws) => {
        limitSocket(ws, this.edge);
        server.emit('connection', ws, request);
      });
    });
    return httpServer;
  }
}
