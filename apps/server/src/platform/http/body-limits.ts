import type { FastifyInstance } from 'fastify';
import { closeWithoutReadingBody } from './authenticate-before-body';

export interface BodyLimitRules {
  /** Routes (as registered) or prefixes of routes (ending in `/`) and the largest body each takes. */
  readonly routes: readonly { readonly route: string; readonly limitBytes: number }[];
  /** Every other route. */
  readonly otherBytes: number;
}

/**
 * Gives each route the body limit its callers need, rather than the largest any route needs:
 * a login is a few hundred bytes, an admin's edit a few KiB, a node's report up to its
 * protocol's 1 MiB. A body over its route's limit is refused with 413 as it streams in, before
 * it is parsed. Installed before Nest registers its routes (`onRoute` sees each as it comes).
 * Routes whose content type parser takes the raw stream (release uploads) apply their own.
 */
export function limitBodiesPerRoute(fastify: FastifyInstance, rules: BodyLimitRules): void {
  fastify.addHook('onRoute', (route) => {
    if (route.bodyLimit !== undefined) return;
    const rule = rules.routes.find(({ route: r }) => (r.endsWith('/') ? route.url.startsWith(r) : route.url === r));
    route.bodyLimit = rule?.limitBytes ?? rules.otherBytes;
  });
  // A body declared larger than its route takes is refused before any of it is read, and its
  // connection closed (Fastify would answer 413 and Node read the rest to throw it away).
  fastify.addHook('onRequest', (request, reply, done) => {
    const declared = Number(request.headers['content-length']);
    const limit = request.routeOptions.bodyLimit;
    if (!(declared > 0 && limit !== undefined && declared > limit)) return done();
    closeWithoutReadingBody(request, reply);
    done(Object.assign(new Error(`body: larger than this route takes (${limit} bytes)`), { statusCode: 413 }));
  });
}
