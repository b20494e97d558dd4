import { agentMessageValidators, compileValidator, DetailedAgentMetrics } from '@pharos/protocol';
import type { Systeminformation } from 'systeminformation';
import { type HostReadings, readHost, toDisks, toInterfaces, toMetricsMessage, toTemperatures } from './host-metrics';

const fs = (mount: string, type = 'ext4', size = 100, used = 40): Systeminformation.FsSizeData => ({
  fs: `/dev/${mount.replace(/\W/g, '') || 'root'}`,
  type,
  size,
  used,
  available: size - used,
  use: (used / size) * 100,
  mount,
  rw: true,
});

const nic = (iface: string, rx: number, tx: number, rxSec: number | null = null): Systeminformation.NetworkStatsData =>
  ({ iface, operstate: 'up', rx_bytes: rx, tx_bytes: tx, rx_sec: rxSec, tx_sec: rxSec, rx_dropped: 0, rx_errors: 0, tx_dropped: 0, tx_errors: 0, ms: 1000 }) as Systeminformation.NetworkStatsData;

const readings: HostReadings = {
  load: { currentLoad: 12.345 } as Systeminformation.CurrentLoadData,
  memory: { total: 8000, available: 2000, swaptotal: 1000, swapused: 250 } as Systeminformation.MemData,
  filesystems: [fs('/'), fs('/dev/shm', 'tmpfs'), fs('/data', 'xfs', 1000, 900)],
  interfaces: [nic('lo', 10, 10), nic('eth0', 5000, 7000, 123.456), nic('veth1a2b', 1, 1)],
  diskBytes: { rx: 1000, wx: 2000, tx: 3000, rx_sec: 10, wx_sec: 20, tx_sec: 30, ms: 1000 },
  diskOps: { rIO: 5, wIO: 6, tIO: 11 } as Systeminformation.DisksIoData,
  temperature: { main: 48.5, cores: [47, 50], max: 50, chipset: undefined } as unknown as Systeminformation.CpuTemperatureData,
  processCount: 123,
  uptimeSeconds: 3600.7,
  loadAverage: [0.5, 0.25, 0.125],
  cpuCount: 4,
};

describe('host metrics', () => {
  it('shapes a sample as seed 003 metrics with the element fields Pharos reads', () => {
    const message = toMetricsMessage(readings, new Date('2026-01-01T00:00:00Z'), null);
    expect(message).toEqual({
      type: 'metrics',
      timestamp: '2026-01-01T00:00:00.000Z',
      cpu_percent: 12.35,
      memory_percent: 75,
      swap_percent: 25,
      load1: 0.5,
      load5: 0.25,
      load15: 0.13,
      uptime_seconds: 3601,
      process_count: 123,
      cpu_count: 4,
      memory_total_bytes: 8000,
      memory_used_bytes: 6000,
      swap_total_bytes: 1000,
      swap_used_bytes: 250,
      disk_usage: [
        { device: '/dev/root', mountpoint: '/', fstype: 'ext4', total: 100, used: 40, free: 60, percent: 40 },
        { device: '/dev/data', mountpoint: '/data', fstype: 'xfs', total: 1000, used: 900, free: 100, percent: 90 },
      ],
      network: [
        { interface: 'lo', bytes_recv: 10, bytes_sent: 10 },
        { interface: 'eth0', bytes_recv: 5000, bytes_sent: 7000, rx_bytes_per_sec: 123.46, tx_bytes_per_sec: 123.46 },
      ],
      disk_io: { read_bytes: 1000, write_bytes: 2000, read_bytes_per_sec: 10, write_bytes_per_sec: 20, read_ops: 5, write_ops: 6 },
      temperatures: [
        { sensor: 'cpu', celsius: 48.5 },
        { sensor: 'cpu_core_0', celsius: 47 },
        { sensor: 'cpu_core_1', celsius: 50 },
      ],
    });
    expect(agentMessageValidators.metrics.validate(message)).toMatchObject({ ok: true });
    expect(compileValidator(DetailedAgentMetrics).validate(message)).toMatchObject({ ok: true });
  });

  it('leaves out what the host cannot tell: no swap, no sensors, no disk counters', () => {
    const message = toMetricsMessage({ ...readings, memory: { ...readings.memory!, swaptotal: 0, swapused: 0 }, temperature: null, diskBytes: null, processCount: null }, new Date(), null);
    for (const key of ['swap_percent', 'swap_total_bytes', 'temperatures', 'disk_io', 'process_count']) expect(message).not.toHaveProperty(key);
    expect(toTemperatures({ main: -1, cores: [0], max: -1 } as Systeminformation.CpuTemperatureData)).toEqual([]);
  });

  it('reports the host\'s disks by their host paths when the host root is mounted in a container', () => {
    const mounts = [fs('/', 'overlay'), fs('/host'), fs('/host/boot', 'vfat'), fs('/host/var/lib/docker/overlay2/x/merged', 'overlay'), fs('/etc/hosts')];
    expect(toDisks(mounts, '/host').map((d) => d.mountpoint)).toEqual(['/', '/boot']);
    expect(toDisks([fs('/'), fs('/'), fs('/empty', 'ext4', 0, 0)], null).map((d) => d.mountpoint)).toEqual(['/']);
  });

  it('leaves container veth pairs out of the interfaces', () => {
    expect(toInterfaces([nic('veth0', 1, 1), nic('docker0', 1, 1)]).map((n) => n.interface)).toEqual(['docker0']);
  });

  it('reads this machine', async () => {
    const message = toMetricsMessage(await readHost(), new Date(), null);
    expect(agentMessageValidators.metrics.validate(message)).toMatchObject({ ok: true });
    expect(message.cpu_percent).toBeGreaterThanOrEqual(0);
    expect(message.memory_percent).toBeGreaterThan(0);
    expect(message.disk_usage!.length).toBeGreaterThan(0);
    expect(message.network!.length).toBeGreaterThan(0);
    expect(message.uptime_seconds).toBeGreaterThan(0);
    expect(message.process_count).toBeGreaterThan(0);
  });
});
