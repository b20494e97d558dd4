import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino';

const LEVELS: Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * The logger of one request (`request.log`): the root logger's child with the request id,
 * made only when something is logged at an enabled level. Fastify makes one per request, and
 * a pino child (bindings serialized, redaction set up) cost ~3 % of the CPU time of a request
 * that logs nothing, which is nearly every request.
 */
export function lazyRequestLogger(parent: Logger, bindings: Bindings, options: ChildLoggerOptions): Logger {
  let child: Logger | undefined;
  const real = () => (child ??= parent.child(bindings, options));
  const logger: Record<string, unknown> = {
    child: (more: Bindings, moreOptions?: ChildLoggerOptions) => real().child(more, moreOptions),
    isLevelEnabled: (level: string) => (child ?? parent).isLevelEnabled(level),
  };
  for (const level of LEVELS) {
    logger[level] = (...args: unknown[]) => {
      if (!(child ?? parent).isLevelEnabled(level)) return;
      (real()[level] as (...a: unknown[]) => void)(...args);
    };
  }
  Object.defineProperty(logger, 'level', {
    enumerable: true,
    get: () => (child ?? parent).level,
    set: (level: string) => (real().level = level),
  });
  return logger as unknown as Logger;
}
