import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type Authenticate = (request: FastifyRequest) => Promise<void>;

/** The credential checks of each Fastify instance's machine routes, by route as registered. */
const checksOf = new WeakMap<FastifyInstance, Map<string, Authenticate>>();

/**
 * Has `authenticate` run for `routes` in Fastify's `onRequest` phase, before the body is read
 * or parsed (Fastify reads bodies after `onRequest` and `preParsing`): a caller without a valid
 * credential costs a header lookup and the credential throttle, never a parse of up to
 * `BODY_LIMIT_BYTES` of JSON. `authenticate` throws the refusal (a `DomainError`, answered by
 * `HttpErrorFilter` like any other) or keeps what it found on the request, where the route's
 * guard reads it. Routes are named as registered (`request.routeOptions.url`). Modules call this
 * from `onModuleInit`; `checkMachineCredentialsBeforeBody` installed the hook beforehand.
 */
export function authenticateBeforeBody(fastify: FastifyInstance, routes: readonly string[], authenticate: Authenticate): void {
  const checks = checksOf.get(fastify);
  if (!checks) throw new Error('checkMachineCredentialsBeforeBody was not installed on this Fastify instance');
  for (const route of routes) checks.set(route, authenticate);
}

/**
 * Installs the one `onRequest` hook that runs the checks `authenticateBeforeBody` registers
 * (before Nest registers its routes, so that every route has the hook). A refused request that
 * came with a body is answered with `Connection: close` and its connection closed without
 * reading the body (`closeWithoutReadingBody`).
 */
export function checkMachineCredentialsBeforeBody(fastify: FastifyInstance): void {
  const checks = new Map<string, Authenticate>();
  checksOf.set(fastify, checks);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = request.routeOptions.url;
    const authenticate = route === undefined ? undefined : checks.get(route);
    if (authenticate === undefined) return;
    try {
      await authenticate(request);
    } catch (error) {
      if (hasBody(request)) closeWithoutReadingBody(request, reply);
      throw error;
    }
  });
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Answers with `Connection: close` and closes the connection once the answer is out, without
 * reading the body (Node would read all of it to throw it away): a refused sender costs no
 * more than its headers.
 */
export function closeWithoutReadingBody(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('connection', 'close');
  request.raw.socket.pause();
  reply.raw.once('finish', () => request.raw.socket.destroySoon());
}
