import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EdgeSettings } from '../config/pharos-config';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * The HTTP server under Fastify (its `serverFactory`), with the timeouts and caps that keep one
 * client from holding what others need (`EdgeSettings`):
 *
 * - Node's own clock (checked every `connectionsCheckingInterval`) answers 408 and closes a
 *   connection that has not sent a whole header block within `headersTimeoutMs` — counted from
 *   when it opened, so a connection that never sends a request goes too. A slow body has
 *   `requestTimeoutMs` (`timeOutSlowBodies`).
 * - `keepAliveTimeoutMs` between requests; `idleTimeoutMs` of silence both ways at any point
 *   (a client that stopped reading its response, a stalled upgrade); WebSockets turn that off
 *   for themselves (`ws` sets no timeout) and keep their own heartbeats.
 * - At most `maxConnectionsPerAddress` open connections per remote address (a fleet behind one
 *   NAT address needs many: the default is generous) and `maxConnections` in all, below the
 *   file-descriptor limit, so that a flood of idle connections cannot take every descriptor
 *   and leave the database and new clients without one. Connections over a cap are closed at
 *   once, before any byte is read.
 *
 * The address is the TCP peer: behind a reverse proxy every client shares the proxy's, so the
 * per-address cap must then be at least the proxy's connection count (docs/configuration.md).
 */
export function createEdgeServer(handler: Handler, settings: EdgeSettings): Server {
  const server = createServer(
    {
      headersTimeout: settings.headersTimeoutMs,
      // Bodies have `timeOutSlowBodies` (request-timeout.ts), which spares release uploads.
      requestTimeout: 0,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      // How often Node looks for connections past the two timeouts above.
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(settings.headersTimeoutMs / 4))),
    },
    handler,
  );
  server.setTimeout(settings.idleTimeoutMs);
  server.maxConnections = settings.maxConnections;
  capConnectionsPerAddress(server, settings.maxConnectionsPerAddress);
  return server;
}

/** Closes a new connection at once when its address already holds `max` open ones. */
export function capConnectionsPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
