import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Paths that belong to the server's protocols and API, never to the single-page app. */
const SERVER_PREFIXES = ['/api/', '/deploy/', '/healthz', '/readyz', '/health', '/update', '/config'];

/**
 * What the dashboard's page may load: its own scripts, styles and sockets, the data-URL
 * favicon, nothing inline, nothing from elsewhere; and no other site may frame it. Styles set
 * from script (React's `style` props, uPlot) go through the CSSOM, which `style-src` allows.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The page's headers besides its type: the policy above, and no guessing of content types. */
const PAGE_HEADERS = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-cache',
};

/** Vite names built assets by their content's hash: a name never holds other bytes. */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

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
 * their JSON 404. Assets go out as the build compressed them (brotli or gzip, by the browser's
 * `Accept-Encoding`); hashed ones are cached for good, the page is revalidated every time.
 * Source maps stay on the server's disk: they are not served.
 */
export async function mountWebApp(app: NestFastifyApplication, root: string): Promise<void> {
  const indexHtml = readFileSync(path.join(root, 'index.html'));
  app.useStaticAssets({
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    preCompressed: true,
    cacheControl: false,
    allowedPath: (pathname: string) => !pathname.endsWith('.map'),
    // @fastify/static hands its reply here (Nest's type for it names a `setHeader` it lacks).
    setHeaders: (reply, file) => {
      const pathname = `/${path.relative(root, file).split(path.sep).join('/')}`.replace(/\.(br|gz)$/, '');
      (reply as unknown as FastifyReply).header('cache-control', HASHED_ASSET.test(pathname) ? IMMUTABLE : 'no-cache');
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  const sendIndex = (request: FastifyRequest, reply: FastifyReply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    if (SERVER_PREFIXES.some((prefix) => pathname === prefix.replace(/\/$/, '') || pathname.startsWith(prefix)) || pathname.endsWith('.map')) {
      return reply.status(404).send({ statusCode: 404, error: 'Not Found', message: `Cannot GET ${pathname}`, requestId: request.id });
    }
    return reply.header('content-type', 'text/html; charset=utf-8').headers(PAGE_HEADERS).send(indexHtml);
  };
  fastify.get('/', sendIndex);
  fastify.get('/*', sendIndex);
}
