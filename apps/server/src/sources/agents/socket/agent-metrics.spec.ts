import { AGENT_ENTITY_NAME_MAX_LENGTH, type AgentMetricsMessage } from '@pharos/protocol';
import { toAgentLogEntry } from './agent-log-line';
import { type NetworkCounterMemory, parseAgentTime, toAgentSample } from './agent-metrics';

const SERVER = '7f8b1f9e-35c4-4a57-9f43-6a1bb2d6f0a1';
const received = new Date('2026-01-01T00:00:30.000Z');

function message(extra: Partial<AgentMetricsMessage> = {}): AgentMetricsMessage {
  return { type: 'metrics', cpu_percent: 45.2, memory_percent: 62.5, disk_usage: [], network: [], timestamp: '2026-01-01T00:00:00Z', ...extra };
}

describe('agent metrics → shared sample', () => {
  it('keeps the seed fields and uses the key’s server, not the message’s server_id', () => {
    const result = toAgentSample(SERVER, message({ server_id: 'someone-else' }), received, new Map());
    expect(result).toEqual({
      ok: true,
      sample: { server_id: SERVER, source: 'agent', timestamp: '2026-01-01T00:00:00.000Z', cpu_percent: 45.2, memory_percent: 62.5, disk_usage: [], network: [] },
      series: {},
    });
  });

  it('skips a disk or an interface whose name is past the cap (docs/protocols/limits.md), keeping the rest', () => {
    const long = `/${'m'.repeat(AGENT_ENTITY_NAME_MAX_LENGTH)}`;
    const result = toAgentSample(
      SERVER,
      message({
        disk_usage: [{ mountpoint: long, percent: 10 }, { mountpoint: '/', percent: 40 }],
        network: [{ interface: long, rx_bytes_per_sec: 1 }, { interface: 'eth0', rx_bytes_per_sec: 2 }],
      }),
      received,
      new Map(),
    );
    expect(result.ok && result.sample.disk_usage.map((d) => d.mountpoint)).toEqual(['/']);
    expect(result.ok && result.sample.network.map((n) => n.interface)).toEqual(['eth0']);
    expect(result.ok && Object.keys(result.series.fs_used_percent ?? {})).toEqual(['/']);
  });

  it('never cuts a name: a cut could leave half a surrogate pair, which PostgreSQL cannot store', () => {
    const name = `/${'😀'.repeat(127)}`; // 255 UTF-16 units: at the cap, kept whole
    const result = toAgentSample(SERVER, message({ disk_usage: [{ mountpoint: name, percent: 1 }, { mountpoint: `${name}x`, percent: 2 }] }), received, new Map());
    expect(result.ok && result.sample.disk_usage.map((d) => d.mountpoint)).toEqual([name]);
  });

  it('maps psutil-style disks and computes the overall disk usage from sizes', () => {
    const result = toAgentSample(
      SERVER,
      message({
        disk_usage: [
          { device: '/dev/sda1', mountpoint: '/', total: 100, used: 40, free: 60, percent: 40, fstype: 'ext4' },
          { mount: '/data', total_bytes: 300, used_bytes: 240 },
          { what: 'no usage at all' },
          'sda2 12%',
          null,
        ],
      }),
      received,
      new Map(),
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.sample.disk_usage).toEqual([
      { mountpoint: '/', device: '/dev/sda1', total_bytes: 100, used_bytes: 40, percent: 40 },
      { mountpoint: '/data', total_bytes: 300, used_bytes: 240, percent: 80 },
    ]);
    expect(result.sample.disk_percent).toBe(70);
    expect(result.series.fs_used_percent).toEqual({ '/': 40, '/data': 80 });
  });

  it('takes given interface rates, and derives them from counters between samples', () => {
    const memory: NetworkCounterMemory = new Map();
    const first = toAgentSample(
      SERVER,
      message({ network: [{ interface: 'eth0', bytes_recv: 1000, bytes_sent: 500 }, { name: 'lo', rx_bytes_per_sec: 9, tx_bytes_per_sec: 9 }] }),
      received,
      memory,
    );
    if (!first.ok) throw new Error(first.reason);
    expect(first.sample.network[0]).toEqual({ interface: 'eth0', rx_bytes: 1000, tx_bytes: 500 });
    expect(first.sample.net_rx_bytes_per_sec).toBeUndefined();

    const second = toAgentSample(
      SERVER,
      message({ timestamp: '2026-01-01T00:00:05Z', network: [{ interface: 'eth0', bytes_recv: 6000, bytes_sent: 400 }] }),
      received,
      memory,
    );
    if (!second.ok) throw new Error(second.reason);
    // rx grew by 5000 in 5 s; tx went down (counter reset): no tx rate.
    expect(second.sample.network[0]).toEqual({ interface: 'eth0', rx_bytes_per_sec: 1000, rx_bytes: 6000, tx_bytes: 400 });
    expect(second.sample.net_rx_bytes_per_sec).toBe(1000);
    expect(second.series).toEqual({ iface_rx_bytes_per_sec: { eth0: 1000 } });
  });

  it('leaves loopback out of the totals', () => {
    const result = toAgentSample(
      SERVER,
      message({ network: [{ interface: 'lo', rx_bytes_per_sec: 50, tx_bytes_per_sec: 50 }, { interface: 'eth0', rx_bytes_per_sec: 1, tx_bytes_per_sec: '2' }] }),
      received,
      new Map(),
    );
    expect(result.ok && [result.sample.net_rx_bytes_per_sec, result.sample.net_tx_bytes_per_sec]).toEqual([1, 2]);
  });

  it('uses the receive time when the timestamp is missing and refuses an unreadable one', () => {
    const missing = toAgentSample(SERVER, message({ timestamp: undefined }), received, new Map());
    expect(missing.ok && missing.sample.timestamp).toBe(received.toISOString());
    expect(toAgentSample(SERVER, message({ timestamp: 'yesterday' }), received, new Map())).toEqual({
      ok: false,
      reason: 'timestamp: Expected an RFC 3339 time',
    });
  });
});

describe('agent times', () => {
  it('reads RFC 3339 with any fraction, and a time without zone as UTC', () => {
    expect(parseAgentTime('2026-01-01T10:00:00.123456Z')?.toISOString()).toBe('2026-01-01T10:00:00.123Z');
    expect(parseAgentTime('2026-01-01T10:00:00.5')?.toISOString()).toBe('2026-01-01T10:00:00.500Z');
    expect(parseAgentTime('2026-01-01T10:00:00+02:00')?.toISOString()).toBe('2026-01-01T08:00:00.000Z');
    expect(parseAgentTime('1700000000')).toBeNull();
    expect(parseAgentTime(undefined)).toBeUndefined();
  });
});

describe('agent log lines', () => {
  it('maps levels of any case and cuts long lines', () => {
    const entry = toAgentLogEntry({ type: 'log', data: { level: 'warning', message: 'x'.repeat(5000), timestamp: '2026-01-01T00:00:00Z' } }, received);
    expect(entry).toMatchObject({ level: 'WARN', kind: 'agent.log', at: new Date('2026-01-01T00:00:00Z') });
    expect(entry.message).toHaveLength(4097);
    expect(toAgentLogEntry({ type: 'log', data: { level: 'CRITICAL', message: 'disk gone' } }, received)).toMatchObject({ level: 'ERROR', at: received });
    expect(toAgentLogEntry({ type: 'log', data: { level: 'chatty', message: 'hi', timestamp: 'bogus' } }, received)).toMatchObject({ level: 'INFO', at: received });
  });
});
