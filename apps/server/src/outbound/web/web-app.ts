import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Paths that belong to the server's protocols and API, never to the single-page app. */
const SERVER_PREFIXES = ['/api/', '/deploy/', '/healthz', '/readyz', '/health', '/update', '/config'];

/** The built dashboard (`apps/web/dist`), found by walking up from this file. */
export function findWebRoot(start = __dirname): string | null {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'apps', 'web', 'dist');
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * Serves the admin dashboard's static files at `/`, and its `index.html` for any other GET
 * that is not the server's (client-side routes such as `/servers/…`). Unknown API paths keep
 * their JSON 404.
 */
export async function mountWebApp(app: NestFastifyApplication, root: string): Promise<void> {
  const indexHtml = readFileSync(path.join(root, 'index.html'));
  app.useStaticAssets({ root, prefix: '/', wildcard: false, index: false, cacheControl: true, maxAge: '1h', immutable: false });
  const fastify = app.getHttpAdapter().getInstance();
  const sendIndex = (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    if (SERVER_PREFIXES.some((prefix) => pathname === prefix.replace(/\/$/, '') || pathname.startsWith(prefix))) {
      return reply.status(404).send({ statusCode: 404, error: 'Not Found', message: `Cannot GET ${pathname}`, requestId: request.id });
    }
    return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
  };
  fastify.get('/', sendIndex);
  fastify.get('/*', sendIndex);
}
