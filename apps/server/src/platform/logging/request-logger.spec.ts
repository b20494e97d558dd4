import pino from 'pino';
import { Writable } from 'node:stream';
import { lazyRequestLogger } from './request-logger';

function capture(level: pino.Level) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const root = pino({ level, base: null }, stream);
  return { root, lines };
}

describe('lazyRequestLogger', () => {
  it('logs with the request bindings at enabled levels, and makes no child for disabled ones', () => {
    const { root, lines } = capture('warn');
    const child = jest.spyOn(root, 'child');
    const log = lazyRequestLogger(root, { reqId: 'r-1' }, {});
    log.info('incoming request');
    log.debug({ a: 1 }, 'details');
    expect(child).not.toHaveBeenCalled();
    log.error({ code: 7 }, 'failed');
    log.warn('slow');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, reqId: 'r-1', code: 7, msg: 'failed' }),
      expect.objectContaining({ level: 40, reqId: 'r-1', msg: 'slow' }),
    ]);
  });

  it('reads and sets the level, and makes children of its own', () => {
    const { root, lines } = capture('info');
    const log = lazyRequestLogger(root, { reqId: 'r-2' }, {});
    expect(log.level).toBe('info');
    expect(log.isLevelEnabled('debug')).toBe(false);
    log.level = 'debug';
    expect(log.isLevelEnabled('debug')).toBe(true);
    expect(root.level).toBe('info');
    log.child({ step: 'parse' }).debug('parsed');
    expect(lines).toEqual([expect.objectContaining({ reqId: 'r-2', step: 'parse', msg: 'parsed' })]);
  });
});
