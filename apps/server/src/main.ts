import 'reflect-metadata';
import { describeTarget } from '@pharos/database';
import { ConfigError, loadConfig, readEnvironment } from './config/load-config';
import { createPharosApp } from './create-app';
import { createRootLogger } from './logging/pharos-logger';

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
}

main().catch((error: unknown) => {
  process.stderr.write(`pharos: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
