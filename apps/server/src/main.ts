import 'reflect-metadata';
import { describeTarget } from '@pharos/database';
import { ConfigError, loadConfig, readEnvironment } from './platform/config/load-config';
import { createPharosApp } from './create-app';
import { createRootLogger } from './platform/logging/pharos-logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`pharos: configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createRootLogger(config.logLevel);

  // Signal handlers come first, before the database opens: a signal during start-up waits
  // for it to finish (a migration is never cut in half; an embedded first start is built aside
  // and moved into place whole anyway), then stops as a signal after start-up does: readiness
  // turns 503, the listener stops accepting, in-flight requests finish, sockets close, then
  // the database is closed. A second signal forces the exit.
  const started: { app?: Awaited<ReturnType<typeof createPharosApp>> } = {};
  let stopping = false;
  const shutDown = () => {
    if (!started.app) return process.exit(1);
    started.app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    if (!started.app) {
      logger.info({ signal }, 'Stopping once start-up has finished (signal again to stop at once)');
      return;
    }
    logger.info({ signal }, 'Shutting down');
    shutDown();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  logger.info({ database: describeTarget(config.database) }, 'Starting Pharos');

  const app = await createPharosApp(config, logger);
  started.app = app;
  if (stopping) {
    logger.info('Shutting down');
    return shutDown();
  }
  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { url: config.publicUrl, database: describeTarget(config.database) },
    `Pharos listening on ${config.host}:${config.port}; open ${config.publicUrl}`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`pharos: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
