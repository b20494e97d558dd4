import type { LiveMetricsData, NodeReport } from '@pharos/protocol';
import type { EntitySeriesName } from '../metrics/metric-series';
import type { EntitySeries } from '../metrics/metrics.service';

/** Loopback traffic never leaves the host: it is listed, but not counted in the totals. */
function isLoopback(name: string): boolean {
  return name === 'lo' || /^loopback/i.test(name);
}

const percent = (ratio: number) => ratio * 100;

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * A node report as every source's sample (the live views' and the history's vocabulary):
 * ratios become percents, interface and disk rates add up to host totals, and the
 * per-interface, per-filesystem, per-disk and per-sensor values become entity series.
 */
export function nodeReportToSample(serverId: string, report: NodeReport, at: Date): { sample: LiveMetricsData; entities: EntitySeries } {
  const m = report.metrics;
  const filesystems = m.disk.filesystems;
  const fsUsed = sum(filesystems.map((f) => f.used));
  const fsTotal = sum(filesystems.map((f) => f.used + f.free));
  const counted = m.network.filter((n) => !isLoopback(n.name));
  const temps = m.thermal.sensors.flatMap((s) => (s.temp_c === undefined ? [] : [s.temp_c]));

  const sample: LiveMetricsData = {
    server_id: serverId,
    source: 'ithiltir',
    timestamp: at.toISOString(),
    cpu_percent: percent(m.cpu.usage_ratio),
    memory_percent: percent(m.memory.used_ratio),
    swap_percent: percent(m.memory.swap_used_ratio),
    ...(fsTotal > 0 ? { disk_percent: (fsUsed / fsTotal) * 100 } : {}),
    load1: m.cpu.load1,
    load5: m.cpu.load5,
    load15: m.cpu.load15,
    net_rx_bytes_per_sec: sum(counted.map((n) => n.recv_rate_bytes_per_sec)),
    net_tx_bytes_per_sec: sum(counted.map((n) => n.sent_rate_bytes_per_sec)),
    disk_read_bytes_per_sec: sum(m.disk.physical.map((d) => d.read_rate_bytes_per_sec)),
    disk_write_bytes_per_sec: sum(m.disk.physical.map((d) => d.write_rate_bytes_per_sec)),
    tcp_count: m.connections.tcp_count,
    udp_count: m.connections.udp_count,
    process_count: m.processes.process_count,
    ...(temps.length > 0 ? { max_temp_c: Math.max(...temps) } : {}),
    uptime_seconds: m.system.uptime_seconds,
    disk_usage: filesystems.map((f) => ({
      mountpoint: f.mountpoint ?? f.path,
      ...(f.device === undefined ? {} : { device: f.device }),
      total_bytes: f.used + f.free,
      used_bytes: f.used,
      percent: percent(f.used_ratio),
    })),
    network: m.network.map((n) => ({
      interface: n.name,
      rx_bytes_per_sec: n.recv_rate_bytes_per_sec,
      tx_bytes_per_sec: n.sent_rate_bytes_per_sec,
      rx_bytes: n.bytes_recv,
      tx_bytes: n.bytes_sent,
    })),
  };

  const entities: Partial<Record<EntitySeriesName, Record<string, number>>> = {
    iface_rx_bytes_per_sec: Object.fromEntries(counted.map((n) => [n.name, n.recv_rate_bytes_per_sec])),
    iface_tx_bytes_per_sec: Object.fromEntries(counted.map((n) => [n.name, n.sent_rate_bytes_per_sec])),
    fs_used_percent: Object.fromEntries(filesystems.map((f) => [f.path, percent(f.used_ratio)])),
    disk_io_read_bytes_per_sec: Object.fromEntries(m.disk.physical.map((d) => [d.name, d.read_rate_bytes_per_sec])),
    disk_io_write_bytes_per_sec: Object.fromEntries(m.disk.physical.map((d) => [d.name, d.write_rate_bytes_per_sec])),
    // Board sensors by their unique key; disks by the SMART device name.
    temp_c: Object.fromEntries([
      ...m.thermal.sensors.flatMap((s) => (s.temp_c === undefined ? [] : [[s.sensor_key || s.name, s.temp_c] as const])),
      ...m.disk.smart.devices.flatMap((d) => (d.temp_c === undefined || !d.name ? [] : [[`smart:${d.name}`, d.temp_c] as const])),
    ]),
  };
  return { sample, entities: entities as EntitySeries };
}
