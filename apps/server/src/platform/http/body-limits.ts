import type { FastifyInstance } from 'fastify';

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
}
