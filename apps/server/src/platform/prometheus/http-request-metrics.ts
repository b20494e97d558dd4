import type { FastifyInstance } from 'fastify';
import type { PrometheusMetrics } from './prometheus-metrics';

/** What a request that matched no route is counted under (its URL would be unbounded). */
const UNMATCHED = 'unmatched';

/**
 * Counts every answered request, and its time, under its route pattern (`request.routeOptions.url`,
 * e.g. `/api/v1/servers/:id`) and status. Fastify binds hooks to routes when it gets ready, so
 * this may be added before or after the routes are.
 */
export function countHttpRequests(fastify: FastifyInstance, metrics: PrometheusMetrics): void {
  if (!metrics.enabled) return;
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED;
    metrics.countRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
