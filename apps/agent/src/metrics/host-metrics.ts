import type { DetailedAgentMetrics } from '@pharos/protocol/agent-ws';
import os from 'node:os';
import * as si from 'systeminformation';
import type { Systeminformation } from 'systeminformation';

/**
 * One sample of the host, read through `systeminformation` (which knows the /proc, /sys and
 * tool outputs of each platform), then shaped into seed 003's `metrics` message with the
 * element fields Pharos reads (apps/server/src/sources/agents/socket/agent-metrics.ts).
 */

/** What the host said; a reading the host cannot give (a container, a VM) is null. */
export interface HostReadings {
  load: Systeminformation.CurrentLoadData | null;
  memory: Systeminformation.MemData | null;
  filesystems: Systeminformation.FsSizeData[];
  interfaces: Systeminformation.NetworkStatsData[];
  diskBytes: Systeminformation.FsStatsData | null;
  diskOps: Systeminformation.DisksIoData | null;
  temperature: Systeminformation.CpuTemperatureData | null;
  processCount: number | null;
  uptimeSeconds: number;
  loadAverage: number[];
  cpuCount: number;
}

const orNull = <T>(reading: Promise<T>): Promise<T | null> => reading.then((value) => value ?? null).catch(() => null);

/** Reads the host. Rates (network, disk) are over the time since the previous call. */
export async function readHost(): Promise<HostReadings> {
  const [load, memory, filesystems, interfaces, diskBytes, diskOps, temperature, processes] = await Promise.all([
    orNull(si.currentLoad()),
    orNull(si.mem()),
    orNull(si.fsSize()),
    orNull(si.networkStats('*')),
    orNull(si.fsStats()),
    orNull(si.disksIO()),
    orNull(si.cpuTemperature()),
    orNull(si.processes()),
  ]);
  return {
    load,
    memory,
    filesystems: filesystems ?? [],
    interfaces: interfaces ?? [],
    diskBytes,
    diskOps,
    temperature,
    processCount: processes?.all ?? null,
    uptimeSeconds: si.time().uptime,
    loadAverage: os.loadavg(),
    cpuCount: os.availableParallelism(),
  };
}

/** File systems that hold no user data: memory, kernel views, image layers, snaps. */
const PSEUDO_FILESYSTEMS = /^(tmpfs|devtmpfs|ramfs|squashfs|overlay|aufs|proc|sysfs|cgroup2?|nsfs|efivarfs|tracefs|debugfs|securityfs|fuse\.lxcfs|autofs)$/;

/**
 * Disks as Pharos reads them (`mountpoint`, `device`, `total`, `used`, `percent`). With a host
 * root (the agent in a container, the host's / mounted at it), only mounts below it count, by
 * their path on the host.
 */
export function toDisks(filesystems: Systeminformation.FsSizeData[], hostRoot: string | null): Record<string, unknown>[] {
  const seen = new Set<string>();
  const disks: Record<string, unknown>[] = [];
  for (const fs of filesystems) {
    const mountpoint = hostPath(fs.mount, hostRoot);
    if (mountpoint === null || PSEUDO_FILESYSTEMS.test(fs.type) || !(fs.size > 0) || seen.has(mountpoint)) continue;
    seen.add(mountpoint);
    disks.push({ device: fs.fs, mountpoint, fstype: fs.type, total: fs.size, used: fs.used, free: fs.available, percent: round(fs.use) });
  }
  return disks;
}

function hostPath(mount: string, hostRoot: string | null): string | null {
  if (hostRoot === null || hostRoot === '/') return mount;
  if (mount === hostRoot) return '/';
  return mount.startsWith(`${hostRoot}/`) ? mount.slice(hostRoot.length) : null;
}

/** Counters since boot, and rates when the library has a previous reading to compare with. */
export function toInterfaces(interfaces: Systeminformation.NetworkStatsData[]): Record<string, unknown>[] {
  // veth pairs come and go with every container; their traffic is counted on the bridge.
  return interfaces
    .filter((n) => !n.iface.startsWith('veth'))
    .map((n) => ({
      interface: n.iface,
      bytes_recv: n.rx_bytes,
      bytes_sent: n.tx_bytes,
      ...(isNumber(n.rx_sec) ? { rx_bytes_per_sec: round(n.rx_sec) } : {}),
      ...(isNumber(n.tx_sec) ? { tx_bytes_per_sec: round(n.tx_sec) } : {}),
    }));
}

export function toTemperatures(reading: Systeminformation.CpuTemperatureData | null): { sensor: string; celsius: number }[] {
  if (!reading) return [];
  const sensors: [string, number | undefined][] = [['cpu', reading.main], ...reading.cores.map((c, i): [string, number] => [`cpu_core_${i}`, c]), ['chipset', reading.chipset]];
  // Unreadable sensors come back as null, -1 or 0 depending on the platform.
  return sensors.filter((s): s is [string, number] => isNumber(s[1]) && s[1] > 0).map(([sensor, celsius]) => ({ sensor, celsius }));
}

export function toMetricsMessage(readings: HostReadings, at: Date, hostRoot: string | null): DetailedAgentMetrics {
  const { memory, load } = readings;
  const message: DetailedAgentMetrics = {
    type: 'metrics',
    cpu_percent: round(load?.currentLoad ?? 0),
    memory_percent: memory && memory.total > 0 ? round(((memory.total - memory.available) / memory.total) * 100) : 0,
    disk_usage: toDisks(readings.filesystems, hostRoot),
    network: toInterfaces(readings.interfaces),
    timestamp: at.toISOString(),
    load1: round(readings.loadAverage[0] ?? 0),
    load5: round(readings.loadAverage[1] ?? 0),
    load15: round(readings.loadAverage[2] ?? 0),
    uptime_seconds: Math.round(readings.uptimeSeconds),
    cpu_count: readings.cpuCount,
  };
  if (readings.processCount !== null) message.process_count = readings.processCount;
  if (memory) Object.assign(message, memoryDetails(memory));
  const diskIo = toDiskIo(readings.diskBytes, readings.diskOps);
  if (diskIo) message.disk_io = diskIo;
  const temperatures = toTemperatures(readings.temperature);
  if (temperatures.length) message.temperatures = temperatures;
  return message;
}

function memoryDetails(memory: Systeminformation.MemData): Partial<DetailedAgentMetrics> {
  return {
    memory_total_bytes: memory.total,
    memory_used_bytes: memory.total - memory.available,
    // A host without swap has no swap percentage, rather than 0 % of nothing.
    ...(memory.swaptotal > 0 ? { swap_percent: round((memory.swapused / memory.swaptotal) * 100), swap_total_bytes: memory.swaptotal, swap_used_bytes: memory.swapused } : {}),
  };
}

function toDiskIo(bytes: Systeminformation.FsStatsData | null, ops: Systeminformation.DisksIoData | null): DetailedAgentMetrics['disk_io'] {
  if (!bytes || !isNumber(bytes.rx) || !isNumber(bytes.wx)) return undefined;
  return {
    read_bytes: bytes.rx,
    write_bytes: bytes.wx,
    ...(isNumber(bytes.rx_sec) ? { read_bytes_per_sec: round(bytes.rx_sec) } : {}),
    ...(isNumber(bytes.wx_sec) ? { write_bytes_per_sec: round(bytes.wx_sec) } : {}),
    ...(ops && isNumber(ops.rIO) ? { read_ops: ops.rIO } : {}),
    ...(ops && isNumber(ops.wIO) ? { write_ops: ops.wIO } : {}),
  };
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
