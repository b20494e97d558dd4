import type { FastifyInstance } from 'fastify';

/**
 * A request's body must have arrived within `timeoutMs` of its headers (`HTTP_REQUEST_TIMEOUT_MS`),
 * else the connection is answered 408 and closed: a client trickling a body a byte at a time
 * holds a connection (and, past the cap, its address's others) for no more than that.
 *
 * Node's own `requestTimeout` would do the same for every route; this one spares the routes
 * that stream a large body by design (`exempt`: release uploads, hundreds of MiB from an admin
 * on a slow link), which are authenticated first and bound by the idle timeout instead.
 * The headers have Node's `headersTimeout` (`edge-server.ts`).
 */
export function timeOutSlowBodies(fastify: FastifyInstance, timeoutMs: number, exempt: (route: string | undefined) => boolean): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    if (raw.complete || exempt(request.routeOptions.url)) return done();
    const timer = setTimeout(() => {
      if (raw.complete || raw.socket.destroyed) return;
      if (reply.sent || raw.socket.writableEnded) raw.socket.destroy();
      else raw.socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', () => raw.socket.destroy());
    }, timeoutMs);
    timer.unref();
    const stop = () => clearTimeout(timer);
    raw.once('end', stop);
    raw.once('close', stop);
    reply.raw.once('finish', stop);
    done();
  });
}
