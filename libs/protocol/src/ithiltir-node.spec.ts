import { realisticNodeReport, realisticNodeStatic } from '../../../test/support/ithiltir-node-fixtures';
import {
  checkUpdateManifest,
  compareNodeVersions,
  nodeEndpointUrl,
  nodeTakesUpdates,
  selectUpdateManifest,
  type UpdateManifest,
  validateNodeReport,
  validateNodeStatic,
} from './ithiltir-node';
import { describeWireError } from './validation';

function errorOf(result: ReturnType<typeof validateNodeReport>): string {
  return result.ok ? 'ok' : describeWireError(result.error);
}

describe('NodeReport validation', () => {
  it('accepts a full realistic report and keeps fields it does not know', () => {
    const report = { ...realisticNodeReport(), collector: { plugin: 'gpu' } };
    const result = validateNodeReport(report);
    expect(result.ok).toBe(true);
    expect(result.ok && (result.value as unknown as { collector: unknown }).collector).toEqual({ plugin: 'gpu' });
  });

  it('accepts what Go omits: optional fields absent, PSI without some/full, empty arrays', () => {
    const report = realisticNodeReport();
    report.metrics.pressure.cpu = { status: 'unsupported' };
    report.metrics.thermal = { status: 'unsupported', sensors: [] };
    report.metrics.raid = { supported: false, available: false, arrays: [] };
    report.metrics.disk.smart = { status: 'no_tool', devices: [] };
    expect(validateNodeReport(report).ok).toBe(true);
  });

  it('accepts counters beyond 2^53 and timestamps with nanoseconds or an offset', () => {
    const report = realisticNodeReport();
    // Go's max uint64 as it arrives on the wire, parsed as JSON does.
    report.metrics.network[0].bytes_recv = JSON.parse('18446744073709551615');
    report.timestamp = '2026-11-23T09:23:25.123456789Z';
    expect(validateNodeReport(report).ok).toBe(true);
    report.timestamp = '2026-11-23T10:23:25+01:00';
    expect(validateNodeReport(report).ok).toBe(true);
  });

  it.each<[string, (r: any) => void, string]>([
    ['a missing required array', (r) => delete r.metrics.disk.filesystems, 'metrics.disk.filesystems: Expected required property'],
    ['network: null', (r) => (r.metrics.network = null), 'metrics.network: Expected array'],
    ['a missing raid arrays list', (r) => delete r.metrics.raid.arrays, 'metrics.raid.arrays: Expected required property'],
    ['a missing uptime', (r) => delete r.metrics.system.uptime_seconds, 'metrics.system.uptime_seconds: Expected required property'],
    ['a disk without a name', (r) => delete r.metrics.disk.physical[1].name, 'metrics.disk.physical[1].name: Expected required property'],
    ['a disk with an empty name', (r) => (r.metrics.disk.physical[1].name = ''), 'metrics.disk.physical[1].name: Expected string length greater or equal to 1'],
    ['a logical volume without a kind', (r) => delete r.metrics.disk.logical[0].kind, 'metrics.disk.logical[0].kind: Expected required property'],
    ['a filesystem without a path', (r) => delete r.metrics.disk.filesystems[2].path, 'metrics.disk.filesystems[2].path: Expected required property'],
    ['a counter as a string', (r) => (r.metrics.network[0].bytes_recv = '123'), 'metrics.network[0].bytes_recv: Expected integer'],
    ['a negative counter', (r) => (r.metrics.memory.used = -1), 'metrics.memory.used: Expected integer to be greater or equal to 0'],
    ['a ratio as a string', (r) => (r.metrics.cpu.usage_ratio = '0.5'), 'metrics.cpu.usage_ratio: Expected number'],
    ['a timestamp that is not RFC 3339', (r) => (r.timestamp = '23/11/2026 09:00'), 'timestamp: Expected string to match'],
    ['metrics as an array', (r) => (r.metrics = []), 'metrics: Expected object'],
  ])('refuses %s, naming the field', (_, spoil, expected) => {
    const report = realisticNodeReport();
    spoil(report);
    expect(errorOf(validateNodeReport(report))).toContain(expected);
  });

  it('refuses two disks of one list with the same name', () => {
    const report = realisticNodeReport();
    report.metrics.disk.physical[2].name = 'nvme0n1';
    expect(errorOf(validateNodeReport(report))).toBe('metrics.disk.physical[2].name: duplicate disk name "nvme0n1"');
  });

  it('tells logical entries apart by kind and name', () => {
    const report = realisticNodeReport();
    report.metrics.disk.logical[1].name = 'md0'; // an lvm_vg named like the md array
    expect(validateNodeReport(report).ok).toBe(true);
    report.metrics.disk.logical[1].kind = 'raid_md';
    expect(errorOf(validateNodeReport(report))).toBe('metrics.disk.logical[1].name: duplicate disk name "md0"');
  });
});

describe('Static validation', () => {
  it('accepts a realistic Static', () => {
    expect(validateNodeStatic(realisticNodeStatic()).ok).toBe(true);
  });

  it('requires a positive report interval and refuses duplicate disk names', () => {
    const zero = { ...realisticNodeStatic(), report_interval_seconds: 0 };
    expect(!validateNodeStatic(zero).ok && validateNodeStatic(zero)).toMatchObject({ error: { path: 'report_interval_seconds' } });
    const dup = realisticNodeStatic();
    dup.disk.physical[1].name = 'nvme0n1';
    expect(validateNodeStatic(dup)).toMatchObject({ ok: false, error: { path: 'disk.physical[1].name' } });
  });
});

describe('node versions', () => {
  it.each([
    ['0.2.1', '0.2.1', 0],
    ['0.2.0', '0.2.1', -1],
    ['0.10.0', '0.9.9', 1],
    ['v1.0.0', '1.0.0', 0],
    ['0.2.1-rc.1', '0.2.1', -1],
    ['0.2.1-rc.2', '0.2.1-rc.10', -1],
    ['0.2.1-alpha', '0.2.1-1', 1],
    ['1.0.0+build.5', '1.0.0', 0],
  ])('compares %s with %s', (a, b, order) => {
    expect(compareNodeVersions(a, b)).toBe(order);
  });

  it('cannot order what is not a version', () => {
    expect(compareNodeVersions('dev', '0.2.1')).toBeNull();
  });

  it('offers updates from 0.2.1 on only', () => {
    expect(nodeTakesUpdates('0.2.0')).toBe(false);
    expect(nodeTakesUpdates('0.2.1-rc.1')).toBe(false);
    expect(nodeTakesUpdates('0.2.1')).toBe(true);
    expect(nodeTakesUpdates('0.3.0')).toBe(true);
    expect(nodeTakesUpdates('unknown')).toBe(false);
  });
});

describe('update manifests, as the node checks them', () => {
  const good: UpdateManifest = {
    id: 'rel-1',
    version: '0.3.0',
    url: 'https://pharos.example/deploy/linux/ithiltir-node_0.3.0_linux_amd64',
    sha256: 'a'.repeat(64),
    size: 1234,
  };

  it('accepts a well-formed manifest for another version', () => {
    expect(checkUpdateManifest(good, '0.2.1')).toEqual({ ok: true, manifest: good });
    const { id: _id, ...withoutId } = good;
    expect(checkUpdateManifest(withoutId, '0.2.1').ok).toBe(true);
  });

  it.each<[string, Partial<Record<keyof UpdateManifest, unknown>>]>([
    ['an empty version', { version: '' }],
    ['version "."', { version: '.' }],
    ['version ".."', { version: '..' }],
    ['a version with a slash', { version: '0.3/0' }],
    ['a version with a backslash', { version: '0.3\\0' }],
    ['a relative url', { url: '/deploy/linux/x' }],
    ['an ftp url', { url: 'ftp://pharos.example/x' }],
    ['a url without host', { url: 'http:///x' }],
    ['a short sha256', { sha256: 'a'.repeat(63) }],
    ['a non-hex sha256', { sha256: 'g'.repeat(64) }],
    ['size 0', { size: 0 }],
    ['a fractional size', { size: 1.5 }],
    ['a size as a string', { size: '1234' }],
    ['the running version', { version: '0.2.1' }],
  ])('refuses %s', (_, change) => {
    expect(checkUpdateManifest({ ...good, ...change }, '0.2.1').ok).toBe(false);
  });

  it('drops manifests for the running version, then takes one only when all targets agree', () => {
    expect(selectUpdateManifest([null, null], '0.2.1')).toBeNull();
    expect(selectUpdateManifest([{ ...good, version: '0.2.1' }], '0.2.1')).toBeNull();
    expect(selectUpdateManifest([good, null, { ...good, version: '0.2.1' }, good], '0.2.1')).toEqual({ ok: true, manifest: good });
    expect(selectUpdateManifest([good, { ...good, size: 1235 }], '0.2.1')).toMatchObject({ ok: false });
  });
});

describe('target URLs', () => {
  it('derives the static and identity URLs from the metrics URL', () => {
    expect(nodeEndpointUrl('https://pharos.example/api/node/metrics', 'static')).toBe('https://pharos.example/api/node/static');
    expect(nodeEndpointUrl('http://10.0.0.5:8080/x/api/node/metrics', 'identity')).toBe('http://10.0.0.5:8080/x/api/node/identity');
    expect(() => nodeEndpointUrl('https://pharos.example/api/node', 'static')).toThrow(/must end with \/metrics/);
  });
});
