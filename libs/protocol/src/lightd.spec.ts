import { decodeLightdContainerCommand, decodeLightdContainerEvent, decodeLightdRemoteEvent, describeWireError } from './index';

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

  it('tells known, unknown and malformed daemon events apart', () => {
    expect(decodeLightdContainerEvent({ event: 'console', data: 'hi\n' }).kind).toBe('known');
    expect(decodeLightdContainerEvent({ event: 'stats', cpu_usage: 1 }).kind).toBe('invalid');
    expect(decodeLightdContainerEvent({ event: 'metrics_v2', x: 1 }).kind).toBe('unknown');
    expect(decodeLightdContainerEvent('console').kind).toBe('invalid');
  });
});
