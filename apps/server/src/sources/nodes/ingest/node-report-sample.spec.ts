import { LiveMetricsData } from '@pharos/protocol';
import { Value } from '@sinclair/typebox/value';
import { realisticNodeReport } from '../../../../../../test/support/ithiltir-node-fixtures';
import { nodeReportToSample } from './node-report-sample';

describe('nodeReportToSample', () => {
  const at = new Date('2026-11-23T09:00:00.123Z');
  const report = realisticNodeReport({ at });
  const { sample, entities } = nodeReportToSample('srv-1', report, at);

  it('is a valid live sample of source ithiltir at the report time', () => {
    expect(Value.Check(LiveMetricsData, sample)).toBe(true);
    expect(sample).toMatchObject({ server_id: 'srv-1', source: 'ithiltir', timestamp: '2026-11-23T09:00:00.123Z' });
  });

  it('turns ratios into percents and copies load, counts and uptime', () => {
    const m = report.metrics;
    expect(sample.cpu_percent).toBeCloseTo(m.cpu.usage_ratio * 100, 10);
    expect(sample.memory_percent).toBe(31.25);
    expect(sample.swap_percent).toBe(3.125);
    expect(sample).toMatchObject({ load1: m.cpu.load1, load5: 0.71, load15: 0.65, tcp_count: m.connections.tcp_count, udp_count: 14 });
    expect(sample.process_count).toBe(m.processes.process_count);
    expect(sample.uptime_seconds).toBe(m.system.uptime_seconds);
  });

  it('adds up filesystems, interfaces and disks into host totals', () => {
    const fs = report.metrics.disk.filesystems;
    const used = fs.reduce((a, f) => a + f.used, 0);
    const total = fs.reduce((a, f) => a + f.used + f.free, 0);
    expect(sample.disk_percent).toBeCloseTo((used / total) * 100, 10);
    const net = report.metrics.network;
    expect(sample.net_rx_bytes_per_sec).toBe(net.reduce((a, n) => a + n.recv_rate_bytes_per_sec, 0));
    expect(sample.disk_write_bytes_per_sec).toBe(4_194_304 * 2 + 65_536);
    expect(sample.max_temp_c).toBe(Math.max(...report.metrics.thermal.sensors.map((s) => s.temp_c!)));
  });

  it('leaves loopback out of the network totals but lists it', () => {
    const withLo = realisticNodeReport({ at });
    withLo.metrics.network.push({ ...withLo.metrics.network[0], name: 'lo', recv_rate_bytes_per_sec: 1e9, sent_rate_bytes_per_sec: 1e9 });
    const mapped = nodeReportToSample('srv-1', withLo, at);
    expect(mapped.sample.net_rx_bytes_per_sec).toBe(sample.net_rx_bytes_per_sec);
    expect(mapped.sample.network.map((n) => n.interface)).toContain('lo');
    expect(mapped.entities.iface_rx_bytes_per_sec).not.toHaveProperty('lo');
  });

  it('lists filesystems and interfaces as the live views show them', () => {
    expect(sample.disk_usage[0]).toEqual({ mountpoint: '/', device: '/dev/mapper/vg0-root', total_bytes: 214748364800, used_bytes: 85899345920, percent: 40 });
    expect(sample.network[0]).toMatchObject({ interface: 'eth0', rx_bytes: 8_123_456_789_012, tx_bytes: 2_345_678_901_234 });
  });

  it('keeps one series per interface, filesystem, disk and sensor', () => {
    expect(Object.keys(entities.iface_rx_bytes_per_sec!)).toEqual(['eth0', 'eth1', 'docker0']);
    expect(entities.fs_used_percent!['/']).toBe(40);
    expect(Object.keys(entities.disk_io_read_bytes_per_sec!)).toEqual(['nvme0n1', 'nvme1n1', 'sda']);
    expect(entities.temp_c).toMatchObject({ 'acpitz-acpi-0/temp1': 27.8, 'smart:sda': 36, 'smart:nvme0n1': 41 });
  });

  it('keeps an entity whatever its name, even one that is an object property of JavaScript', () => {
    const odd = realisticNodeReport({ at });
    odd.metrics.network.push({ ...odd.metrics.network[0], name: '__proto__', recv_rate_bytes_per_sec: 7 });
    const mapped = nodeReportToSample('srv-1', odd, at);
    expect(Object.hasOwn(mapped.entities.iface_rx_bytes_per_sec!, '__proto__')).toBe(true);
    expect(JSON.parse(JSON.stringify(mapped.entities)).iface_rx_bytes_per_sec.__proto__).toBe(7);
  });

  it('omits disk percent and temperature when the node has none', () => {
    const bare = realisticNodeReport({ at });
    bare.metrics.disk.filesystems = [];
    bare.metrics.thermal = { status: 'unsupported', sensors: [] };
    const mapped = nodeReportToSample('srv-1', bare, at).sample;
    expect(mapped).not.toHaveProperty('disk_percent');
    expect(mapped).not.toHaveProperty('max_temp_c');
    expect(mapped.disk_usage).toEqual([]);
  });
});
