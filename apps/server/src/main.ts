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
  const app = await createPharosApp(config, logger);
  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { url: config.publicUrl, database: describeTarget(config.database) },
    `Pharos listening on ${config.host}:${config.port}; open ${config.publicUrl}`,
  );

  // Graceful shutdown: readiness turns 503, the listener stops accepting, in-flight requests
  // finish, sockets close, then the database is closed; a second signal forces the exit.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'Shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'Shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`pharos: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
