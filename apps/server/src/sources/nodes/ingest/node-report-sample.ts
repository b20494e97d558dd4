import type { LiveMetricsData, NodeReport } from '@pharos/protocol';
import type { EntitySeriesName } from '../../../fleet/metrics/metric-series';
import type { EntitySeries } from '../../../fleet/metrics/metrics.service';

/** Loopback traffic never leaves the host: it is listed, but not counted in the totals. */
function isLoopback(name: string): boolean {
  return name === 'lo' || /^loopback/i.test(name);
}

const percent = (ratio: number) => ratio * 100;

/** Values by entity name; without a prototype, so that any name a node sends (even `__proto__`) is a key. */
function entityValues(): Record<string, number> {
  return Object.create(null) as Record<string, number>;
}

function hasEntries(values: Record<string, number>): boolean {
  for (const _ in values) return true;
  return false;
}

/**
 * A node report as every source's sample (the live views' and the history's vocabulary):
 * ratios become percents, interface and disk rates add up to host totals, and the
 * per-interface, per-filesystem, per-disk and per-sensor values become entity series.
 * Runs for every report: each list is walked once, building only what is returned.
 */
export function nodeReportToSample(serverId: string, report: NodeReport, at: Date): { sample: LiveMetricsData; entities: EntitySeries } {
  const m = report.metrics;

  let fsUsed = 0;
  let fsTotal = 0;
  const diskUsage: LiveMetricsData['disk_usage'] = [];
  const fsUsedPercent: Record<string, number> = entityValues();
  for (const f of m.disk.filesystems) {
    const total = f.used + f.free;
    fsUsed += f.used;
    fsTotal += total;
    diskUsage.push({
      mountpoint: f.mountpoint ?? f.path,
      ...(f.device === undefined ? {} : { device: f.device }),
      total_bytes: total,
      used_bytes: f.used,
      percent: percent(f.used_ratio),
    });
    fsUsedPercent[f.path] = percent(f.used_ratio);
  }

  let rxTotal = 0;
  let txTotal = 0;
  const network: LiveMetricsData['network'] = [];
  const ifaceRx: Record<string, number> = entityValues();
  const ifaceTx: Record<string, number> = entityValues();
  for (const n of m.network) {
    network.push({
      interface: n.name,
      rx_bytes_per_sec: n.recv_rate_bytes_per_sec,
      tx_bytes_per_sec: n.sent_rate_bytes_per_sec,
      rx_bytes: n.bytes_recv,
      tx_bytes: n.bytes_sent,
    });
    if (isLoopback(n.name)) continue;
    rxTotal += n.recv_rate_bytes_per_sec;
    txTotal += n.sent_rate_bytes_per_sec;
    ifaceRx[n.name] = n.recv_rate_bytes_per_sec;
    ifaceTx[n.name] = n.sent_rate_bytes_per_sec;
  }

  let readTotal = 0;
  let writeTotal = 0;
  const diskRead: Record<string, number> = entityValues();
  const diskWrite: Record<string, number> = entityValues();
  for (const d of m.disk.physical) {
    readTotal += d.read_rate_bytes_per_sec;
    writeTotal += d.write_rate_bytes_per_sec;
    diskRead[d.name] = d.read_rate_bytes_per_sec;
    diskWrite[d.name] = d.write_rate_bytes_per_sec;
  }

  // Board sensors by their unique key; disks by the SMART device name.
  let maxTemp = -Infinity;
  const temps: Record<string, number> = entityValues();
  for (const sensor of m.thermal.sensors) {
    if (sensor.temp_c === undefined) continue;
    maxTemp = Math.max(maxTemp, sensor.temp_c);
    temps[sensor.sensor_key || sensor.name] = sensor.temp_c;
  }
  for (const device of m.disk.smart.devices) {
    if (device.temp_c !== undefined && device.name) temps[`smart:${device.name}`] = device.temp_c;
  }

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
    net_rx_bytes_per_sec: rxTotal,
    net_tx_bytes_per_sec: txTotal,
    disk_read_bytes_per_sec: readTotal,
    disk_write_bytes_per_sec: writeTotal,
    tcp_count: m.connections.tcp_count,
    udp_count: m.connections.udp_count,
    process_count: m.processes.process_count,
    ...(maxTemp > -Infinity ? { max_temp_c: maxTemp } : {}),
    uptime_seconds: m.system.uptime_seconds,
    disk_usage: diskUsage,
    network,
  };

  // Series with no entity (a host without sensors) are left out, as the history would drop them.
  const entities: Partial<Record<EntitySeriesName, Record<string, number>>> = {};
  const series: [EntitySeriesName, Record<string, number>][] = [
    ['iface_rx_bytes_per_sec', ifaceRx],
    ['iface_tx_bytes_per_sec', ifaceTx],
    ['fs_used_percent', fsUsedPercent],
    ['disk_io_read_bytes_per_sec', diskRead],
    ['disk_io_write_bytes_per_sec', diskWrite],
    ['temp_c', temps],
  ];
  for (const [name, values] of series) if (hasEntries(values)) entities[name] = values;
  return { sample, entities: entities as EntitySeries };
}
