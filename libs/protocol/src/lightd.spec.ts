import { decodeLightdContainerCommand, decodeLightdRemoteEvent, decodeLightdSocketCommand, decodeLightdSocketFrame, describeWireError, lightdSocketCommand } from './index';

function reason(body: unknown): string {
  const result = decodeLightdRemoteEvent(body);
  if (result.ok) throw new Error('expected a refusal');
  return describeWireError(result.error);
}

describe('Lightd remote update bodies', () => {
  it('accepts the status form and the error form with and without data', () => {
    expect(decodeLightdRemoteEvent({ event: 'update', server: 'my-server-001', status: 'installing' })).toEqual({
      ok: true,
      value: { kind: 'update', body: { event: 'update', server: 'my-server-001', status: 'installing' } },
    });
    for (const body of [
      { event: 'update', server: 's', error: 'failed', data: 'image not found' },
      { event: 'update', server: 's', error: 'failed' },
    ]) {
      expect(decodeLightdRemoteEvent(body)).toMatchObject({ ok: true, value: { kind: 'update' } });
    }
  });

  it('accepts billing with whole-number floats and any other event kind', () => {
    const billing = {
      event: 'billing',
      server: 's',
      memory_gb: 2.0,
      cpu_vcpus: 1,
      storage_gb: 10.5,
      egress_gb: 0,
      duration_hours: 1,
      estimated_cost: 0.12,
      timestamp: 1_767_225_600,
    };
    expect(decodeLightdRemoteEvent(billing)).toMatchObject({ ok: true, value: { kind: 'billing' } });
    expect(decodeLightdRemoteEvent({ event: 'snapshot', anything: [1] })).toMatchObject({ ok: true, value: { kind: 'other' } });
  });

  it.each([
    [[], '(root): must be a JSON object'],
    ['update', '(root): must be a JSON object'],
    [{ server: 's', status: 'ready' }, 'event: must be a non-empty string'],
    [{ event: 'update', server: 's', status: 'running' }, 'status: must be one of installing, ready, failed'],
    [{ event: 'update', server: 's', status: null }, 'status: must be one of installing, ready, failed'],
    [{ event: 'update', server: 's' }, 'status: an update needs "status" (installing, ready, failed) or "error"'],
    [{ event: 'update', status: 'ready' }, 'server: Expected required property'],
    [{ event: 'update', server: '', status: 'ready' }, 'server: Expected string length greater or equal to 1'],
    [{ event: 'update', server: 's', error: 'failed', data: 42 }, 'data: Expected string'],
    [
      { event: 'billing', server: 's', memory_gb: '2', cpu_vcpus: 1, storage_gb: 1, egress_gb: 0, duration_hours: 1, estimated_cost: 0, timestamp: 1 },
      'memory_gb: Expected number',
    ],
    [{ event: 'billing', server: 's' }, expect.stringMatching(/: Expected required property$/)],
    [{ event: 'other', server: 7 }, 'server: Expected string'],
  ])('refuses %j naming the field', (body, expected) => {
    expect(reason(body)).toEqual(expected);
  });
});

describe('Lightd container socket messages', () => {
  it('keeps only the documented fields of client messages', () => {
    expect(decodeLightdContainerCommand({ event: 'send_command', command: 'say hi\n', token: 'x' })).toEqual({
      ok: true,
      value: { event: 'send_command', command: 'say hi\n' },
    });
    expect(decodeLightdContainerCommand({ event: 'power', action: 'restart' })).toMatchObject({ ok: true });
    expect(decodeLightdContainerCommand({ event: 'request_logs' })).toMatchObject({ ok: true });
  });

  it.each([
    [{ event: 'power', action: 'stop' }, 'action: must be one of start, kill, restart'],
    [{ event: 'send_command', command: '' }, 'command: Expected string length greater or equal to 1'],
    [{ event: 'send_command' }, 'command: Expected required property'],
    [{ event: 'shell', command: 'ls' }, 'event: must be one of send_command, power, request_logs'],
    [null, '(root): must be a JSON object'],
  ])('refuses the client message %j', (value, expected) => {
    const result = decodeLightdContainerCommand(value);
    expect(!result.ok && describeWireError(result.error)).toBe(expected);
  });

  it('reads Lightd v2 args frames, the stats JSON text decoded into a typed object', () => {
    expect(decodeLightdSocketFrame({ event: 'console output', args: ['Done (3.2s)!'] })).toEqual({ kind: 'line', text: 'Done (3.2s)!' });
    expect(decodeLightdSocketFrame({ event: 'console duplicate', args: ['3'] })).toEqual({ kind: 'repeat', count: 3 });
    expect(decodeLightdSocketFrame({ event: 'event', args: ['running'] })).toEqual({ kind: 'state', state: 'running' });
    expect(decodeLightdSocketFrame({ event: 'daemon_message', args: ['Server started'] })).toEqual({ kind: 'daemon_message', text: 'Server started' });
    expect(decodeLightdSocketFrame({ event: 'logs', args: ['a', 'b'] })).toEqual({ kind: 'logs', lines: ['a', 'b'] });
    const stats = { memory_bytes: 134217728, memory_limit_bytes: 536870912, cpu_absolute: 25.5, network: { rx_bytes: 1024, tx_bytes: 2048 }, uptime: 12, state: 'running', disk_bytes: 0 };
    expect(decodeLightdSocketFrame({ event: 'stats', args: [JSON.stringify(stats)] })).toEqual({
      kind: 'stats',
      event: { event: 'stats', cpu_usage: 25.5, memory_usage: 134217728, memory_limit: 536870912, network_rx: 1024, network_tx: 2048, block_read: 0, block_write: 0, stats },
    });
  });

  it('still reads the seed documents\' data form, frame by frame', () => {
    expect(decodeLightdSocketFrame({ event: 'console', data: 'hi\n' })).toEqual({ kind: 'line', text: 'hi\n' });
    expect(decodeLightdSocketFrame({ event: 'console duplicate', data: 'hi\n' })).toEqual({ kind: 'twin' });
    expect(decodeLightdSocketFrame({ event: 'logs', data: 'a\nb\n' })).toEqual({ kind: 'logs', lines: ['a', 'b'] });
    expect(decodeLightdSocketFrame({ event: 'stats', cpu_usage: 1, memory_usage: 2, memory_limit: 3, network_rx: 4, network_tx: 5, block_read: 6, block_write: 7 }).kind).toBe('stats');
  });

  it('passes unknown kinds on and refuses malformed frames', () => {
    expect(decodeLightdSocketFrame({ event: 'metrics_v2', x: 1 }).kind).toBe('unknown');
    expect(decodeLightdSocketFrame({ event: 'players', args: ['3'] })).toEqual({ kind: 'unknown', event: { event: 'players', args: ['3'] } });
    expect(decodeLightdSocketFrame({ event: 'stats', cpu_usage: 'lots' }).kind).toBe('invalid');
    expect(decodeLightdSocketFrame({ event: 'stats', args: ['{not json'] }).kind).toBe('invalid');
    expect(decodeLightdSocketFrame({ event: 'stats', args: ['{"memory_bytes":1}'] }).kind).toBe('invalid');
    expect(decodeLightdSocketFrame({ event: 'console duplicate', args: ['once'] }).kind).toBe('invalid');
    expect(decodeLightdSocketFrame({ event: 'console output', args: [1] }).kind).toBe('invalid');
    expect(decodeLightdSocketFrame('console').kind).toBe('invalid');
  });

  it('sends v2\'s untagged forms: the command without its newline (Lightd adds one)', () => {
    expect(lightdSocketCommand({ event: 'send_command', command: 'say hi\n' }, 100)).toEqual({ send_command: ['say hi'] });
    expect(lightdSocketCommand({ event: 'send_command', command: 'list' }, 100)).toEqual({ send_command: ['list'] });
    expect(lightdSocketCommand({ event: 'power', action: 'kill' }, 100)).toEqual({ power: ['kill'] });
    expect(lightdSocketCommand({ event: 'request_logs' }, 5000)).toEqual({ logs: ['1000'] });
    expect(decodeLightdSocketCommand({ send_command: ['x'] })).toEqual({ send_command: ['x'] });
    expect(decodeLightdSocketCommand({ event: 'send_command', command: 'x\n' })).toBeNull();
    expect(decodeLightdSocketCommand({ power: 'start' })).toBeNull();
  });
});
