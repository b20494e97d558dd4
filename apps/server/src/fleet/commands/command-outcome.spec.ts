import { describeResult, dockerResult, LOG_OUTPUT_LIMIT, shellResult } from './command-outcome';

const id = '0b8c3d57-3e0d-4c55-8d3e-8f1f1a0e7c11';
const shell = { id, kind: 'shell' as const, command: 'ls -la', containerId: null };
const docker = { id, kind: 'docker' as const, command: 'stop', containerId: 'web-1' };

describe('command outcomes', () => {
  it('completes a shell command that exited 0 and fails any other exit', () => {
    expect(shellResult({ type: 'command_response', command_id: id, output: 'total 0', exit_code: 0, duration_ms: 150.4 })).toEqual({
      state: 'completed',
      output: 'total 0',
      exitCode: 0,
      durationMs: 150,
      message: null,
    });
    expect(shellResult({ type: 'command_response', command_id: id, output: '', exit_code: 2, duration_ms: 3 }).state).toBe('failed');
    expect(shellResult({ type: 'command_response', command_id: id, error: 'not allowed' })).toMatchObject({ state: 'failed', exitCode: null, output: '' });
  });

  it('follows the agent’s success flag for Docker actions', () => {
    expect(dockerResult({ type: 'docker_response', command_id: id, success: true, message: 'Container started' })).toEqual({
      state: 'completed',
      success: true,
      message: 'Container started',
    });
    expect(dockerResult({ type: 'docker_response', command_id: id, success: false }).state).toBe('failed');
  });

  it('describes results for the event log, cutting long output', () => {
    const big = describeResult(shell, shellResult({ type: 'command_response', command_id: id, output: 'x'.repeat(LOG_OUTPUT_LIMIT + 10), exit_code: 0, duration_ms: 5 }));
    expect(big).toMatchObject({ level: 'INFO', kind: 'command.completed', message: 'Command `ls -la` exited with 0 in 5 ms', data: { outputTruncated: true } });
    expect((big.data.output as string).length).toBe(LOG_OUTPUT_LIMIT);
    expect(describeResult(shell, shellResult({ type: 'command_response', command_id: id, error: 'denied' })).message).toBe('Command `ls -la` could not run: denied');
    expect(describeResult(docker, dockerResult({ type: 'docker_response', command_id: id, success: false, message: 'No such container' }))).toMatchObject({
      level: 'WARN',
      kind: 'docker.failed',
      message: 'Docker stop of container web-1 failed: No such container',
    });
  });
});
