import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LIGHTD_REMOTE_PREFIX } from '@pharos/protocol';
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';
import { AppModule } from './app.module';
import type { PharosConfig } from './platform/config/pharos-config';
import { useLeanAsyncResourceBind } from './platform/http/async-resource-bind';
import { disableAllocationSitePretenuring } from './platform/runtime/v8-tuning';
import { parseJsonBodies } from './platform/http/json-bodies';
import { checkMachineCredentialsBeforeBody } from './platform/http/authenticate-before-body';
import { limitBodiesPerRoute } from './platform/http/body-limits';
import { createEdgeServer } from './platform/http/edge-server';
import { timeOutSlowBodies } from './platform/http/request-timeout';
import { RELEASE_UPLOAD_PATH } from './fleet/releases/release-upload-body';
import { createRootLogger, PinoNestLogger } from './platform/logging/pharos-logger';
import { lazyRequestLogger } from './platform/logging/request-logger';
import { findWebRoot, mountWebApp } from './outbound/web/web-app';
import { PharosWsAdapter } from './platform/websockets/pharos-ws-adapter';
import { countHttpRequests } from './platform/prometheus/http-request-metrics';
import { PrometheusMetrics } from './platform/prometheus/prometheus-metrics';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Builds the Pharos application (HTTP on Fastify, WebSockets on the same port) and runs its
 * start-up: database open, migrations, first admin. The caller decides where to listen; the
 * server entry point and the e2e tests both start Pharos through here.
 */
export async function createPharosApp(
  config: PharosConfig,
  logger: Logger = createRootLogger(config.logLevel),
): Promise<NestFastifyApplication> {
  disableAllocationSitePretenuring();
  useLeanAsyncResourceBind();
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    childLoggerFactory: (parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) => lazyRequestLogger(parent as Logger, bindings, options),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // A request id from a proxy is kept when it is sane, otherwise one is made.
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: {
      // Lightd joins its remote URL and paths by string formatting: `…/api/` + `/health`.
      ignoreDuplicateSlashes: true,
      ignoreTrailingSlash: true,
    },
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    serverFactory: (handler: Parameters<typeof createEdgeServer>[0]) => createEdgeServer(handler, config.edge),
  });
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  parseJsonBodies(adapter.getInstance());
  checkMachineCredentialsBeforeBody(adapter.getInstance());
  timeOutSlowBodies(adapter.getInstance(), config.edge.requestTimeoutMs, (route) => route === RELEASE_UPLOAD_PATH);
  limitBodiesPerRoute(adapter.getInstance(), {
    routes: [
      { route: '/api/v1/auth/', limitBytes: Math.min(config.edge.authBodyLimitBytes, config.bodyLimitBytes) },
      // Streamed to disk by its own parser, which enforces the same cap as it reads.
      { route: RELEASE_UPLOAD_PATH, limitBytes: config.nodeReleaseMaxBytes },
      // What nodes and Lightd daemons send is as large as their protocols allow.
      { route: '/api/node/', limitBytes: config.bodyLimitBytes },
      ...['', LIGHTD_REMOTE_PREFIX].flatMap((prefix) => ['/update', '/config'].map((call) => ({ route: prefix + call, limitBytes: config.bodyLimitBytes }))),
    ],
    otherBytes: Math.min(config.edge.apiBodyLimitBytes, config.bodyLimitBytes),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    abortOnError: false,
    bodyParser: false, // JSON bodies: parseJsonBodies; no route takes forms
  });
  countHttpRequests(adapter.getInstance(), app.get(PrometheusMetrics));
  app.useWebSocketAdapter(new PharosWsAdapter(app, config.edge));
  const webRoot = config.webRoot === undefined ? findWebRoot() : config.webRoot;
  if (webRoot) await mountWebApp(app, webRoot);
  await app.init();
  return app;
}
