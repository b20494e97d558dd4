import type { NodeReport, NodeStaticReport } from '@pharos/protocol';

/**
 * What a real Ithiltir-node sends: a Linux host with two NVMe disks in an md RAID1 under LVM,
 * a SATA disk, SMART, thermal sensors and PSI. Fields are in the order of the node's Go
 * structs; optional fields a node omits are absent (not null, not undefined-valued).
 */

/** Go's `time.Time` in JSON: RFC 3339 in UTC with up to nine fractional digits, zeros trimmed. */
export function goTime(date: Date, nanos = 0): string {
  const iso = date.toISOString(); // 2026-11-23T09:23:25.123Z
  const fraction = `${iso.slice(20, 23)}${String(nanos).padStart(6, '0')}`.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

export interface ReportOptions {
  version?: string;
  hostname?: string;
  at?: Date;
  /** Round number: values move with it so history is not flat. */
  round?: number;
}

export function realisticNodeReport(options: ReportOptions = {}): NodeReport {
  const at = options.at ?? new Date();
  const n = options.round ?? 0;
  const wave = (period: number) => (Math.sin((2 * Math.PI * n) / period) + 1) / 2; // 0..1
  const stamp = goTime(at, 123_456);
  return {
    version: options.version ?? '0.2.1',
    hostname: options.hostname ?? 'edge-fra-01',
    timestamp: stamp,
    metrics: {
      cpu: {
        usage_ratio: 0.12 + 0.5 * wave(20),
        load1: 0.84 + wave(10),
        load5: 0.71,
        load15: 0.65,
        times: { user: 81234.5, system: 20211.25, idle: 3409981.1, iowait: 1201.7, steal: 0 },
      },
      memory: {
        used: 21474836480,
        available: 45097156608,
        buffers: 536870912,
        cached: 12884901888,
        used_ratio: 0.3125,
        swap_used: 268435456,
        swap_free: 8321499136,
        swap_used_ratio: 0.03125,
      },
      disk: {
        physical: [
          physicalDisk('nvme0n1', '/dev/nvme0n1', 'nvme-Samsung_SSD_980_PRO_2TB_S6B0NL0W1', 1_048_576 * (1 + wave(7)), 4_194_304),
          physicalDisk('nvme1n1', '/dev/nvme1n1', 'nvme-Samsung_SSD_980_PRO_2TB_S6B0NL0W2', 1_048_576, 4_194_304),
          physicalDisk('sda', '/dev/sda', 'ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1', 0, 65_536),
        ],
        logical: [
          { kind: 'raid_md', name: 'md0', device_path: '/dev/md0', used: 1288490188800, free: 711509811200, used_ratio: 0.6442, health: 'healthy' },
          { kind: 'lvm_vg', name: 'vg0', used: 1288490188800, free: 711509811200, used_ratio: 0.6442 },
          { kind: 'lvm_lv', name: 'vg0/root', device_path: '/dev/mapper/vg0-root', ref: 'vg0', used: 85899345920, free: 128849018880, used_ratio: 0.4 },
          { kind: 'disk', name: 'sda', device_path: '/dev/sda', used: 2199023255552, free: 1801439850496, used_ratio: 0.5497 },
        ],
        filesystems: [
          filesystem('/', '/dev/mapper/vg0-root', 85899345920, 128849018880, 1310720, 12189696),
          filesystem('/boot', '/dev/md1', 104857600, 931135488, 350, 65186),
          filesystem('/srv/backup', '/dev/sda1', 2199023255552, 1801439850496, 20211, 244174848),
        ],
        base_io: [
          { kind: 'raid_md', name: 'md0', device_path: '/dev/md0', read_rate_bytes_per_sec: 2_097_152, write_rate_bytes_per_sec: 8_388_608, read_iops: 120, write_iops: 480, iops: 600 },
          {
            kind: 'disk',
            name: 'sda',
            device_path: '/dev/sda',
            read_bytes: 912345678912,
            write_bytes: 412345678912,
            read_rate_bytes_per_sec: 0,
            write_rate_bytes_per_sec: 65536,
            read_iops: 0,
            write_iops: 4,
            iops: 4,
            util_ratio: 0.02,
            queue_length: 0.01,
            wait_ms: 4.5,
            service_ms: 3.9,
          },
        ],
        smart: {
          status: 'ok',
          updated_at: goTime(new Date(at.getTime() - 120_000)),
          ttl_seconds: 300,
          devices: [
            {
              name: 'nvme0n1',
              source: 'smartctl',
              status: 'ok',
              ref: 'nvme0n1',
              device_path: '/dev/nvme0n1',
              device_type: 'nvme',
              protocol: 'NVMe',
              model: 'Samsung SSD 980 PRO 2TB',
              serial: 'S6B0NL0W1',
              exit_status: 0,
              health: 'passed',
              temp_c: 41,
              power_on_hours: 12034,
              lifetime_used_percent: 3,
              critical_warning: 0,
            },
            {
              name: 'nvme1n1',
              source: 'smartctl',
              status: 'ok',
              ref: 'nvme1n1',
              device_path: '/dev/nvme1n1',
              device_type: 'nvme',
              protocol: 'NVMe',
              model: 'Samsung SSD 980 PRO 2TB',
              serial: 'S6B0NL0W2',
              exit_status: 0,
              health: 'passed',
              temp_c: 43,
              power_on_hours: 12030,
              lifetime_used_percent: 4,
              critical_warning: 0,
            },
            {
              name: 'sda',
              source: 'smartctl',
              status: 'ok',
              ref: 'sda',
              device_path: '/dev/sda',
              device_type: 'sat',
              protocol: 'ATA',
              model: 'WDC WD40EFRX-68N32N0',
              serial: 'WD-WCC7K1',
              wwn: '5 0014ee 2b7d3c1a2',
              exit_status: 64,
              health: 'failed',
              temp_c: 36,
              power_on_hours: 40211,
              failing_attrs: [{ id: 5, name: 'Reallocated_Sector_Ct', when_failed: 'FAILING_NOW' }],
            },
          ],
        },
      },
      network: [
        netInterface('eth0', 8_123_456_789_012, 2_345_678_901_234, 1_250_000 * (1 + wave(15)), 312_500),
        netInterface('eth1', 12_345_678, 9_876_543, 1_024, 512),
        netInterface('docker0', 45_678_901, 98_765_432, 0, 0),
      ],
      system: { alive: true, uptime_seconds: 3_902_115 + n * 3, uptime: '45d 3h 55m' },
      processes: { process_count: 412 + (n % 7) },
      connections: { tcp_count: 1_873 + (n % 11), udp_count: 14 },
      pressure: {
        cpu: { status: 'ok', some: { avg10: 1.52, avg60: 1.21, avg300: 0.98, total: 812345678 } },
        memory: { status: 'ok', some: { avg10: 0, avg60: 0.01, avg300: 0, total: 1234567 }, full: { avg10: 0, avg60: 0, avg300: 0, total: 654321 } },
        io: { status: 'ok', some: { avg10: 0.31, avg60: 0.28, avg300: 0.2, total: 98765432 }, full: { avg10: 0.12, avg60: 0.1, avg300: 0.08, total: 45678901 } },
      },
      raid: {
        supported: true,
        available: true,
        arrays: [
          {
            name: 'md0',
            status: 'active',
            active: 2,
            working: 2,
            failed: 0,
            health: 'healthy',
            members: [
              { name: 'nvme0n1p2', state: 'up' },
              { name: 'nvme1n1p2', state: 'up' },
            ],
          },
          {
            name: 'md1',
            status: 'active',
            active: 2,
            working: 2,
            failed: 0,
            health: 'degraded',
            members: [
              { name: 'nvme0n1p1', state: 'up' },
              { name: 'nvme1n1p1', state: 'down' },
            ],
            sync_status: 'recovery',
            sync_progress: 0.426,
          },
        ],
      },
      thermal: {
        status: 'ok',
        updated_at: stamp,
        sensors: [
          { kind: 'cpu', name: 'Tctl', sensor_key: 'k10temp-pci-00c3/Tctl', source: 'hwmon', status: 'ok', temp_c: 52.5 + 10 * wave(30), high_c: 70, critical_c: 95 },
          { kind: 'unknown', name: 'Composite', sensor_key: 'nvme-pci-0100/Composite', source: 'hwmon', status: 'ok', temp_c: 41.85, high_c: 84.85, critical_c: 84.85 },
          { kind: 'acpi', name: 'temp1', sensor_key: 'acpitz-acpi-0/temp1', source: 'hwmon', status: 'ok', temp_c: 27.8 },
        ],
      },
    },
  };
}

function physicalDisk(name: string, devicePath: string, ref: string, readRate: number, writeRate: number) {
  return {
    name,
    device_path: devicePath,
    ref,
    read_bytes: 81234567890123,
    write_bytes: 45678901234567,
    read_rate_bytes_per_sec: readRate,
    write_rate_bytes_per_sec: writeRate,
    iops: 310.5,
    read_iops: 110.25,
    write_iops: 200.25,
    util_ratio: 0.071,
    queue_length: 0.12,
    wait_ms: 0.35,
    service_ms: 0.21,
  };
}

function filesystem(path: string, device: string, used: number, free: number, inodesUsed: number, inodesTotal: number) {
  return {
    path,
    device,
    mountpoint: path,
    used,
    free,
    used_ratio: used / (used + free),
    inodes_used: inodesUsed,
    inodes_free: inodesTotal - inodesUsed,
    inodes_used_ratio: inodesUsed / inodesTotal,
  };
}

function netInterface(name: string, recv: number, sent: number, recvRate: number, sentRate: number) {
  return {
    name,
    bytes_recv: recv,
    bytes_sent: sent,
    recv_rate_bytes_per_sec: recvRate,
    sent_rate_bytes_per_sec: sentRate,
    packets_recv: Math.round(recv / 900),
    packets_sent: Math.round(sent / 700),
    recv_rate_packets_per_sec: recvRate / 900,
    sent_rate_packets_per_sec: sentRate / 700,
    err_in: 0,
    err_out: 0,
    drop_in: 12,
    drop_out: 0,
  };
}

export interface StaticOptions {
  version?: string;
  hostname?: string;
  at?: Date;
  intervalSeconds?: number;
  /** As the node reports it: `linux`, `windows`, `darwin`. */
  os?: string;
  /** As the node reports it (`x86_64` from uname, or Go's `amd64`). */
  arch?: string;
}

export function realisticNodeStatic(options: StaticOptions = {}): NodeStaticReport {
  return {
    version: options.version ?? '0.2.1',
    timestamp: goTime(options.at ?? new Date(), 987_654),
    report_interval_seconds: options.intervalSeconds ?? 3,
    cpu: {
      info: { model_name: 'AMD EPYC 7443P 24-Core Processor', vendor_id: 'AuthenticAMD', sockets: 1, cores_physical: 24, cores_logical: 48, frequency_mhz: 2850 },
    },
    memory: { total: 68719476736, swap_total: 8589934592 },
    disk: {
      physical: [
        { name: 'nvme0n1', device_path: '/dev/nvme0n1', ref: 'nvme-Samsung_SSD_980_PRO_2TB_S6B0NL0W1' },
        { name: 'nvme1n1', device_path: '/dev/nvme1n1', ref: 'nvme-Samsung_SSD_980_PRO_2TB_S6B0NL0W2' },
        { name: 'sda', device_path: '/dev/sda' },
      ],
      logical: [
        { kind: 'raid_md', name: 'md0', device_path: '/dev/md0', total: 2000000000000, devices: ['nvme0n1p2', 'nvme1n1p2'] },
        { kind: 'lvm_vg', name: 'vg0', total: 2000000000000, devices: ['md0'] },
        { kind: 'lvm_lv', name: 'vg0/root', device_path: '/dev/mapper/vg0-root', ref: 'vg0', total: 214748364800, mountpoint: '/', fs_type: 'ext4' },
        { kind: 'disk', name: 'sda', device_path: '/dev/sda', total: 4000787030016 },
      ],
      filesystems: [
        { path: '/', device: '/dev/mapper/vg0-root', mountpoint: '/', total: 214748364800, fs_type: 'ext4', inodes_total: 13500416 },
        { path: '/boot', device: '/dev/md1', mountpoint: '/boot', total: 1035993088, fs_type: 'ext4', inodes_total: 65536 },
        { path: '/srv/backup', device: '/dev/sda1', mountpoint: '/srv/backup', total: 4000463106048, fs_type: 'xfs', inodes_total: 244195328 },
      ],
      base_io: [
        { kind: 'raid_md', name: 'md0', device_path: '/dev/md0', role: 'primary' },
        { kind: 'disk', name: 'sda', device_path: '/dev/sda' },
      ],
    },
    system: {
      hostname: options.hostname ?? 'edge-fra-01',
      os: options.os ?? 'linux',
      platform: 'debian',
      platform_version: '12.8',
      kernel_version: '6.1.0-28-amd64',
      arch: options.arch ?? 'x86_64',
    },
    raid: {
      supported: true,
      available: true,
      arrays: [
        { name: 'md0', level: 'raid1', devices: 2, members: [{ name: 'nvme0n1p2' }, { name: 'nvme1n1p2' }] },
        { name: 'md1', level: 'raid1', devices: 2 },
      ],
    },
  };
}
