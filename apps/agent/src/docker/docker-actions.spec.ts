import { FakeDockerEngine, logFrame } from '../../../../test/support/fake-docker-engine';
import { runDockerAction } from './docker-actions';
import { DockerEngine, lowerVersion } from './docker-engine';
import { demuxLogStream, isMultiplexed } from './log-stream';

const ID = 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2';

describe('Docker actions over the Engine API socket', () => {
  let docker: FakeDockerEngine;
  let engine: DockerEngine;
  const run = (action: string, container: string, tail?: number) => runDockerAction(engine, action, container, { outputCapBytes: 64 * 1024, tail });

  beforeEach(async () => {
    docker = await FakeDockerEngine.start([
      {
        id: ID,
        name: '/web-1',
        state: 'running',
        logs: Array.from({ length: 150 }, (_, i) => ({ stream: (i % 2 ? 2 : 1) as 1 | 2, line: `line ${i}` })),
      },
      { id: 'f'.repeat(64), name: '/db', state: 'exited' },
    ]);
    engine = new DockerEngine(docker.socketPath);
  });
  afterEach(() => docker.close());

  it('asks the daemon its API version once, then calls the versioned paths', async () => {
    expect(await run('restart', 'web-1')).toEqual({ success: true, message: 'Container restarted' });
    expect(await run('stop', 'web-1')).toEqual({ success: true, message: 'Container stopped' });
    expect(docker.requests).toEqual([
      { method: 'GET', path: '/_ping', query: {} },
      { method: 'POST', path: '/v1.43/containers/web-1/restart', query: {} },
      { method: 'POST', path: '/v1.43/containers/web-1/stop', query: {} },
    ]);
    expect(docker.container('web-1')!.state).toBe('exited');
  });

  it('runs every action of the seed as the daemon routes it', async () => {
    const steps: [string, string, { success: boolean; message: string }][] = [
      ['start', 'db', { success: true, message: 'Container started' }],
      ['start', 'db', { success: true, message: 'Container already started' }],
      ['pause', 'db', { success: true, message: 'Container paused' }],
      ['pause', 'db', { success: false, message: `container ${'f'.repeat(64)} is already paused` }],
      ['remove', 'db', { success: false, message: 'cannot remove container "db": container is paused and must be unpaused first' }],
      ['unpause', 'db', { success: true, message: 'Container unpaused' }],
      ['unpause', 'db', { success: false, message: `Container ${'f'.repeat(64)} is not paused` }],
      ['remove', 'db', { success: false, message: 'cannot remove container "db": container is running: stop the container before removing or force remove' }],
      ['kill', 'db', { success: true, message: 'Container killed' }],
      ['kill', 'db', { success: false, message: `cannot kill container: db: container ${'f'.repeat(64)} is not running` }],
      ['stop', 'db', { success: true, message: 'Container already stopped' }],
      ['remove', 'fff', { success: true, message: 'Container removed' }],
    ];
    for (const [action, container, result] of steps) expect([action, await run(action, container)]).toEqual([action, result]);
    expect(docker.requests.slice(1).map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1.43/containers/db/start',
      'POST /v1.43/containers/db/start',
      'POST /v1.43/containers/db/pause',
      'POST /v1.43/containers/db/pause',
      'DELETE /v1.43/containers/db',
      'POST /v1.43/containers/db/unpause',
      'POST /v1.43/containers/db/unpause',
      'DELETE /v1.43/containers/db',
      'POST /v1.43/containers/db/kill',
      'POST /v1.43/containers/db/kill',
      'POST /v1.43/containers/db/stop',
      'DELETE /v1.43/containers/fff',
    ]);
  });

  it('says what the daemon says about an unknown container, and about an unknown action', async () => {
    expect(await run('restart', 'nope')).toEqual({ success: false, message: 'No such container: nope' });
    expect(await run('kill', 'nope')).toEqual({ success: false, message: 'cannot kill container: nope: No such container: nope' });
    expect(await run('explode', 'web-1')).toEqual({ success: false, message: 'Unknown Docker action "explode" (this agent knows start, stop, restart, kill, pause, unpause, remove, logs)' });
  });

  it('tails the logs, stdout and stderr in order, out of the multiplexed stream', async () => {
    const result = await run('logs', 'web-1', 3);
    expect(result).toEqual({ success: true, message: 'line 147\nline 148\nline 149\n' });
    expect(docker.requests.at(-1)).toEqual({ method: 'GET', path: '/v1.43/containers/web-1/logs', query: { stdout: '1', stderr: '1', tail: '3' } });
    expect((await run('logs', 'web-1')).message.split('\n')).toHaveLength(101); // 100 lines by default
    const capped = await runDockerAction(engine, 'logs', 'web-1', { outputCapBytes: 20 });
    expect(capped.message).toBe("[830 older bytes not sent: the agent's output cap is 20 bytes]\n7\nline 148\nline 149\n");
  });

  it('speaks an older daemon\'s version, whose logs are multiplexed but labelled raw', async () => {
    await docker.close();
    docker = await FakeDockerEngine.start([{ id: ID, name: '/web-1', state: 'running', logs: [{ stream: 1, line: 'hello' }] }], '1.41');
    engine = new DockerEngine(docker.socketPath);
    expect(await run('logs', 'web-1')).toEqual({ success: true, message: 'hello\n' });
    expect(docker.requests.at(-1)!.path).toBe('/v1.41/containers/web-1/logs');
    expect(lowerVersion('1.56', '1.47')).toBe('1.47');
    expect(lowerVersion('garbage', '1.47')).toBe('1.47');
  });

  it('answers a failure when no daemon listens', async () => {
    const path = docker.socketPath;
    await docker.close();
    engine = new DockerEngine(path);
    expect(await run('start', 'db')).toEqual({ success: false, message: expect.stringMatching(new RegExp(`^Docker Engine API unreachable at ${path}: connect ENOENT`)) });
  });

  it('reads multiplexed frames, a cut-off last one included', () => {
    const stream = Buffer.concat([logFrame(1, 'out\n'), logFrame(2, 'err\n'), logFrame(1, 'cut off').subarray(0, 11)]);
    expect(demuxLogStream(stream).toString()).toBe('out\nerr\ncut');
    expect(isMultiplexed(stream)).toBe(true);
    expect(isMultiplexed(Buffer.from('plain text log line'))).toBe(false);
  });
});
