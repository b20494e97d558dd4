import { utcMidnightDaysAgo } from './support/test-times';
import { PrismaService } from '@pharos/database';
import type { LiveMetricsData } from '@pharos/protocol';
import { createHash } from 'node:crypto';
import { FleetEventBus } from '../apps/server/src/platform/events/fleet-event-bus';
import { MetricRollupsService } from '../apps/server/src/fleet/metrics/metric-rollups.service';
import { goTime } from './support/ithiltir-node-fixtures';
import { goJson, IthiltirNodeEmulator } from './support/ithiltir-node-emulator';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

describe('Ithiltir nodes: Pharos as the Dash they push to', () => {
  let pharos: RunningPharos;
  let token: string;
  let prisma: PrismaService;

  beforeAll(async () => {
    pharos = await startPharos({ env: { NODE_OFFLINE_MISSED_REPORTS: '2' } });
    token = await pharos.login();
    prisma = pharos.app.get(PrismaService);
  });
  afterAll(() => pharos.close());

  async function createNode(name: string, extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string; installCommand: string }> {
    const res = await pharos.request('/api/v1/nodes', { token, body: { name, ...extra } });
    expect(res.status).toBe(201);
    return { id: res.body.node.id, secret: res.body.secret, installCommand: res.body.installCommand };
  }

  function emulator(secret: string, options: Partial<ConstructorParameters<typeof IthiltirNodeEmulator>[0]> = {}): IthiltirNodeEmulator {
    return new IthiltirNodeEmulator({ targetUrl: `${pharos.baseUrl}/api/node/metrics`, key: secret, ...options });
  }

  /** What a refused request must not have left behind. */
  async function stored(serverId: string): Promise<Record<string, number>> {
    const [samples, snapshots, statics, minutes] = await Promise.all([
      prisma.metricSample.count({ where: { serverId } }),
      prisma.nodeSnapshot.count({ where: { serverId } }),
      prisma.nodeStatic.count({ where: { serverId } }),
      prisma.metricRollup1m.count({ where: { serverId } }),
    ]);
    return { samples, snapshots, statics, minutes };
  }

  it('creates a node with a secret shown once, a one-line install command, and only a hash stored', async () => {
    const { id, secret, installCommand } = await createNode('edge-1', { group: 'edge', tags: ['eu'] });
    expect(secret).toMatch(/^pnode_[A-Za-z0-9_-]{43}$/);
    expect(installCommand).toBe(`ithiltir-node report install ${pharos.config.publicUrl}/api/node/metrics ${secret}`);

    const rows = await prisma.nodeSecret.findMany({ where: { serverId: id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].secretHash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(secret);

    const detail = await pharos.request(`/api/v1/nodes/${id}`, { token });
    expect(detail.body.secret.prefix).toBe(secret.slice(0, 12));
    expect(JSON.stringify(detail.body)).not.toContain(secret);
    // A node is a server of the fleet like any other.
    const fleet = await pharos.request('/api/v1/servers?source=ithiltir', { token });
    expect(fleet.body.items.map((s: any) => s.id)).toContain(id);
    const audit = await prisma.auditEntry.findMany({ where: { targetId: id } });
    expect(audit.map((a) => a.action)).toEqual(['node.create']);
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain(secret);
  });

  it('answers identity with one stable install id, created by the first call only', async () => {
    const a = emulator((await createNode('identity-a')).secret);
    const b = emulator((await createNode('identity-b')).secret);
    const first = await a.install();
    expect(first).toEqual({ install_id: expect.any(String), created: true });
    expect(await a.install()).toEqual({ install_id: first.install_id, created: false });
    expect(await b.install()).toEqual({ install_id: first.install_id, created: false });
    expect((await emulator('pnode_unknown').post(`${pharos.baseUrl}/api/node/identity`, '{}')).status).toBe(401);
  });

  it('stores a full report and Static, answers exactly {"ok":true,"update":null} as JSON, and publishes the sample', async () => {
    const { id, secret } = await createNode('edge-full');
    const node = emulator(secret, { hostname: 'edge-full-01' });
    const live: LiveMetricsData[] = [];
    const stop = pharos.app.get(FleetEventBus).subscribe('metrics', id, (sample) => live.push(sample));

    // A newer node adds fields; Pharos keeps them.
    const info = { ...node.staticInfo(), gpu: { count: 1, model: 'NVIDIA L4' } };
    const staticReply = await node.postStatic(info);
    expect(staticReply.status).toBe(200);

    const report = node.nextReport() as any;
    report.agent_build = { commit: 'abc123' };
    report.metrics.cpu.per_core = [0.1, 0.2];
    const result = await node.report(report);
    stop();

    expect(result.status).toBe(200);
    expect(result.contentType).toMatch(/^application\/json/);
    expect(result.text).toBe('{"ok":true,"update":null}');
    expect(result.decision).toBeNull();

    const snapshot = await prisma.nodeSnapshot.findUniqueOrThrow({ where: { serverId: id } });
    expect(JSON.parse(snapshot.payload)).toEqual(report);
    expect(snapshot.reportedAt.toISOString()).toBe(new Date(report.timestamp).toISOString());
    // Its headline values are derived from the report, not stored a second time.
    const listed = await pharos.request('/api/v1/nodes?search=edge-full', { token });
    const view = listed.body.items.find((n: any) => n.id === id);
    expect(view.latest.cpu_percent).toBeCloseTo(report.metrics.cpu.usage_ratio * 100, 10);
    expect(view.latest.timestamp).toBe(snapshot.reportedAt.toISOString());

    const facts = await prisma.nodeStatic.findUniqueOrThrow({ where: { serverId: id } });
    expect(facts).toMatchObject({
      nodeVersion: '0.2.1',
      reportIntervalSeconds: 3,
      os: 'linux',
      arch: 'x86_64',
      kernelVersion: '6.1.0-28-amd64',
      cpuModel: 'AMD EPYC 7443P 24-Core Processor',
      coresLogical: 48,
      memoryTotal: 68719476736n,
    });
    expect((facts.payload as any).gpu).toEqual({ count: 1, model: 'NVIDIA L4' });

    const [sample] = await prisma.metricSample.findMany({ where: { serverId: id } });
    expect(sample.at.toISOString()).toBe(new Date(report.timestamp).toISOString());
    expect(sample.memoryPercent).toBe(31.25);
    expect(sample.series).toMatchObject({ iface_rx_bytes_per_sec: { eth0: expect.any(Number) }, fs_used_percent: { '/': 40 } });
    // Its minute is rolled up once committed (every few seconds; here at once).
    await pharos.app.get(MetricRollupsService).flush({ all: true });
    const minute = await prisma.metricRollup1m.findFirstOrThrow({ where: { serverId: id } });
    expect(minute.series).toMatchObject({ temp_c: { 'smart:sda': 36 } });

    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ server_id: id, source: 'ithiltir', memory_percent: 31.25 });

    const server = await pharos.request(`/api/v1/servers/${id}`, { token });
    // Its charts leave gaps by the interval its Static names.
    expect(server.body).toMatchObject({ status: 'online', agentVersion: '0.2.1', hostname: 'edge-full-01', reportIntervalSeconds: 3 });
    expect((await node.postStatic(node.staticInfo({ intervalSeconds: 10 }))).status).toBe(200);
    expect((await pharos.request(`/api/v1/servers/${id}`, { token })).body.reportIntervalSeconds).toBe(10);
    const events = await pharos.request(`/api/v1/servers/${id}/events`, { token });
    // (The simulated report's failing disk and degraded array raise alerts, logged as alert.firing.)
    expect(events.body.items.map((e: any) => e.kind).filter((k: string) => !k.startsWith('alert.')).sort()).toEqual(['node.online', 'node.version']);
  });

  it('refuses a missing, unknown, rotated or revoked secret with 401 and stores nothing', async () => {
    const { id, secret } = await createNode('edge-secrets');
    const node = emulator(secret);
    expect((await node.report()).status).toBe(200);
    const before = await stored(id);

    const anonymous = await pharos.request('/api/node/metrics', { body: node.nextReport() });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ statusCode: 401, message: 'missing X-Node-Secret' });
    expect((await emulator(`${secret}x`).report()).status).toBe(401);
    expect((await emulator(secret).postStatic()).status).toBe(200);

    const rotated = await pharos.request(`/api/v1/nodes/${id}/secret`, { token, method: 'POST' });
    expect(rotated.status).toBe(201);
    expect(rotated.body.installCommand).toContain(rotated.body.secret);
    // The old secret was in the cache: it stops working at once all the same.
    expect((await node.report()).status).toBe(401);
    expect((await emulator(rotated.body.secret).report()).status).toBe(200);

    expect((await pharos.request(`/api/v1/nodes/${id}/secret`, { token, method: 'DELETE' })).status).toBe(204);
    const revoked = emulator(rotated.body.secret);
    expect((await revoked.report()).status).toBe(401);
    expect((await revoked.postStatic()).status).toBe(401);

    const after = await stored(id);
    expect(after.samples).toBe(before.samples + 1); // the one report sent with the rotated secret
    const audit = await prisma.auditEntry.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['node.create', 'node.secret.rotate', 'node.secret.revoke']);
  });

  it('takes a fleet’s first reports at once, and records when each node’s secret was last used', async () => {
    const fleet = await Promise.all(Array.from({ length: 12 }, (_, i) => createNode(`edge-fleet-${i}`)));
    const answers = await Promise.all(fleet.map(({ secret }) => emulator(secret).report()));
    expect(answers.map((a) => a.status)).toEqual(fleet.map(() => 200));
    const secrets = await prisma.nodeSecret.findMany({ where: { serverId: { in: fleet.map((n) => n.id) } } });
    expect(secrets).toHaveLength(12);
    for (const secret of secrets) expect(secret.lastUsedAt).toBeInstanceOf(Date);
    const detail = await pharos.request(`/api/v1/nodes/${fleet[0]!.id}`, { token });
    expect(detail.body.secret.lastUsedAt).toEqual(expect.any(String));
  });

  it('refuses bodies that do not match the schema with 400 naming the field, and stores nothing', async () => {
    const { id, secret } = await createNode('edge-bad-bodies');
    const node = emulator(secret);
    const refusals: [string, (r: any) => void, string][] = [
      ['missing network', (r) => delete r.metrics.network, 'metrics.network'],
      ['null disk list', (r) => (r.metrics.disk.logical = null), 'metrics.disk.logical'],
      ['missing raid arrays', (r) => delete r.metrics.raid.arrays, 'metrics.raid.arrays'],
      ['missing uptime', (r) => delete r.metrics.system.uptime_seconds, 'metrics.system.uptime_seconds'],
      ['nameless disk', (r) => delete r.metrics.disk.physical[0].name, 'metrics.disk.physical[0].name'],
      ['pathless filesystem', (r) => (r.metrics.disk.filesystems[1].path = ''), 'metrics.disk.filesystems[1].path'],
      ['kindless base IO', (r) => delete r.metrics.disk.base_io[1].kind, 'metrics.disk.base_io[1].kind'],
      ['duplicate disk names', (r) => (r.metrics.disk.physical[1].name = 'nvme0n1'), 'metrics.disk.physical[1].name'],
      ['ratio as a string', (r) => (r.metrics.cpu.usage_ratio = '0.5'), 'metrics.cpu.usage_ratio'],
      ['counter as a float', (r) => (r.metrics.network[0].bytes_recv = 1.5), 'metrics.network[0].bytes_recv'],
      ['bad timestamp', (r) => (r.timestamp = 'yesterday'), 'timestamp'],
    ];
    for (const [what, spoil, field] of refusals) {
      const report = node.nextReport();
      spoil(report);
      const result = await node.report(report);
      expect([what, result.status, JSON.parse(result.text).field]).toEqual([what, 400, field]);
    }
    const malformed = await node.report(undefined, '{"version":"0.2.1","metrics":');
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text).statusCode).toBe(400);

    const badStatic = await node.postStatic({ ...node.staticInfo(), report_interval_seconds: '3' });
    expect(badStatic.status).toBe(400);
    expect(JSON.parse(badStatic.body.toString()).field).toBe('report_interval_seconds');

    expect(await stored(id)).toEqual({ samples: 0, snapshots: 0, statics: 0, minutes: 0 });
    expect((await prisma.server.findUniqueOrThrow({ where: { id } })).status).toBe('unknown');
  });

  it('refuses a report, Static or identity holding a NUL character or a lone surrogate with 400 naming the field, and stores nothing', async () => {
    const { id, secret } = await createNode('edge-nul');
    const node = emulator(secret);
    const nul = 'text must not contain NUL characters (\\u0000)';
    const surrogate = 'text must not contain unpaired UTF-16 surrogates (\\ud800-\\udfff)';
    const refusals: [string, (r: any) => void, string, string][] = [
      ['NUL in the hostname', (r) => (r.hostname = 'edge\u0000'), 'hostname', nul],
      ['NUL in a disk name', (r) => (r.metrics.disk.physical[1].name = 'sd\u0000b'), 'metrics.disk.physical[1].name', nul],
      ['NUL in a field a newer node added', (r) => (r.metrics.gpu = [{ model: 'L4\u0000' }]), 'metrics.gpu[0].model', nul],
      ['NUL in a field name', (r) => (r.metrics.thermal['bad\u0000key'] = 1), 'metrics.thermal["bad\\u0000key"]', nul],
      ['a lone surrogate in the hostname', (r) => (r.hostname = '\ud800edge'), 'hostname', surrogate],
      ['a lone surrogate in a disk name', (r) => (r.metrics.disk.physical[1].name = 'sd\udc00'), 'metrics.disk.physical[1].name', surrogate],
      ['a lone surrogate in a field name', (r) => (r.metrics.thermal['bad\udbffkey'] = 1), 'metrics.thermal["bad\\udbffkey"]', surrogate],
    ];
    for (const [what, spoil, field, reason] of refusals) {
      const report = node.nextReport();
      spoil(report);
      const result = await node.report(report);
      expect([what, result.status, JSON.parse(result.text)]).toEqual([
        what,
        400,
        expect.objectContaining({ statusCode: 400, error: 'Bad Request', field, message: `${field}: ${reason}` }),
      ]);
    }
    const badStatic = await node.postStatic({ ...node.staticInfo(), system: { ...node.staticInfo().system, kernel_version: '6.1\u0000' } });
    expect(badStatic.status).toBe(400);
    expect(JSON.parse(badStatic.body.toString()).field).toBe('system.kernel_version');
    const badIdentity = await node.post(`${pharos.baseUrl}/api/node/identity`, '{"note":"\\u0000"}');
    expect([badIdentity.status, JSON.parse(badIdentity.body.toString()).field]).toEqual([400, 'note']);
    // An unknown secret is refused as such whatever the body holds.
    expect((await emulator('pnode_unknown').report(node.nextReport(), '{"hostname":"\\u0000"}')).status).toBe(401);

    expect(await stored(id)).toEqual({ samples: 0, snapshots: 0, statics: 0, minutes: 0 });
    expect((await prisma.server.findUniqueOrThrow({ where: { id } })).status).toBe('unknown');
    // The node's next clean report is taken.
    expect((await node.report()).status).toBe(200);
  });

  it('refuses an oversized body with 413 and stores nothing', async () => {
    const { id, secret } = await createNode('edge-oversized');
    const node = emulator(secret);
    const report = { ...node.nextReport(), padding: 'x'.repeat(pharos.config.bodyLimitBytes) };
    const result = await node.report(report);
    expect(result.status).toBe(413);
    expect(JSON.parse(result.text).statusCode).toBe(413);
    expect(await stored(id)).toEqual({ samples: 0, snapshots: 0, statics: 0, minutes: 0 });
  });

  it('accepts uint64 counters beyond 2^53 and nanosecond timestamps, as Go writes them', async () => {
    const { id, secret } = await createNode('edge-big-numbers');
    const node = emulator(secret);
    const report = node.nextReport(new Date('2026-11-20T10:00:00.000Z'));
    report.timestamp = '2026-11-20T10:00:00.123456789Z';
    report.metrics.network[0].bytes_recv = 12345;
    const body = goJson(report).replace('"bytes_recv":12345', '"bytes_recv":18446744073709551615');
    expect(body).toContain('18446744073709551615');
    expect((await node.report(undefined, body)).status).toBe(200);
    const snapshot = await prisma.nodeSnapshot.findUniqueOrThrow({ where: { serverId: id } });
    expect(snapshot.payload).toContain('"bytes_recv":18446744073709551615');
    expect(snapshot.reportedAt.toISOString()).toBe('2026-11-20T10:00:00.123Z');
  });

  it('keeps a report as the text it came as: exact counters, a byte-order mark skipped, "\\u0000" text taken', async () => {
    const { id, secret } = await createNode('edge-as-sent');
    const node = emulator(secret);
    expect((await node.report()).status).toBe(200); // the first report also records the version
    const report = node.nextReport();
    report.metrics.network[0].bytes_recv = 12345;
    // A Windows path holding a backslash before "u0000": text with no NUL in it.
    (report.metrics.disk.physical[0] as { name: string }).name = 'C:\\u0000disk';
    const body = `\ufeff${goJson(report).replace('"bytes_recv":12345', '"bytes_recv":18446744073709551615')}`;
    expect((await node.report(undefined, body)).status).toBe(200);
    const [{ payload }] = await prisma.$queryRawUnsafe<{ payload: string }[]>(`SELECT "payload"::text AS payload FROM "NodeSnapshot" WHERE "serverId" = $1::uuid`, id);
    expect(payload).toBe(body.slice(1));
    expect(JSON.parse(payload).metrics.disk.physical[0].name).toBe('C:\\u0000disk');
  });

  it('keeps each report of a batch as its own text, whatever its characters take in UTF-8', async () => {
    const names = ['é', '日本語のディスク', '🛰️ sat', 'plain', 'ünïcödé ✓'];
    const nodes = await Promise.all(names.map(async (name, i) => ({ ...(await createNode(`edge-utf8-${i}`)), name })));
    const emulators = nodes.map(({ secret }) => emulator(secret));
    expect((await Promise.all(emulators.map((node) => node.report()))).map((a) => a.status)).toEqual(names.map(() => 200));
    // Routine reports sent at once: written in one batch, their texts side by side.
    const bodies = emulators.map((node, i) => {
      const report = node.nextReport();
      (report.metrics.disk.physical[0] as { name: string }).name = names[i]!.repeat(i + 1);
      return goJson(report);
    });
    expect((await Promise.all(emulators.map((node, i) => node.report(undefined, bodies[i])))).map((a) => a.status)).toEqual(names.map(() => 200));
    const stored = await prisma.nodeSnapshot.findMany({ where: { serverId: { in: nodes.map((n) => n.id) } } });
    for (const [i, node] of nodes.entries()) expect(stored.find((s) => s.serverId === node.id)?.payload).toBe(bodies[i]);
  });

  it('rewrites a node’s snapshot in its own row: large reports add nothing to the TOAST table', async () => {
    const { id, secret } = await createNode('edge-storage-box');
    const node = emulator(secret);
    // A storage box: a report of ~10 KB, compressed to a few KB.
    const largeReport = () => {
      const report = node.nextReport();
      const [fs] = report.metrics.disk.filesystems;
      report.metrics.disk.filesystems = Array.from({ length: 24 }, (_, i) => ({ ...fs!, path: `/srv/volume-${i}`, mountpoint: `/srv/volume-${i}`, used: i * 1000 }));
      return report;
    };
    const toastBytes = async () => {
      const [row] = await prisma.$queryRawUnsafe<{ bytes: bigint }[]>(`SELECT pg_relation_size(reltoastrelid) AS bytes FROM pg_class WHERE oid = '"NodeSnapshot"'::regclass`);
      return Number(row!.bytes);
    };
    const before = await toastBytes();
    let last = '';
    for (let i = 0; i < 6; i++) {
      last = goJson(largeReport());
      expect(last.length).toBeGreaterThan(9000);
      expect((await node.report(undefined, last)).status).toBe(200);
    }
    expect((await prisma.nodeSnapshot.findUniqueOrThrow({ where: { serverId: id } })).payload).toBe(last);
    expect(await toastBytes()).toBe(before);
  });

  it('marks a node offline after the configured missed report intervals, as an event, and online on its next report', async () => {
    const { id, secret } = await createNode('edge-flaky');
    const node = emulator(secret, { intervalSeconds: 1 });
    expect((await node.postStatic()).status).toBe(200);
    expect((await node.report()).status).toBe(200);
    const status = async () => (await prisma.server.findUniqueOrThrow({ where: { id } })).status;
    expect(await status()).toBe('online');

    // Interval 1 s, 2 missed reports: offline a little after 2 s of silence.
    const deadline = Date.now() + 8000;
    while ((await status()) !== 'offline' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await status()).toBe('offline');

    expect((await node.report()).status).toBe(200);
    expect(await status()).toBe('online');
    // Its own events (the built-in "server offline" alert logs alert.* entries beside them).
    const own = (await pharos.request(`/api/v1/servers/${id}/events`, { token })).body.items.filter((e: any) => !e.kind.startsWith('alert.'));
    const kinds = own.map((e: any) => [e.kind, e.level]);
    expect(kinds.slice(0, 2)).toEqual([
      ['node.online', 'INFO'],
      ['node.offline', 'WARN'],
    ]);
    expect(own[1].message).toMatch(/^No report for \d+ s \(2 report intervals of 1 s missed\)$/);
  });

  it('lists nodes with their latest values and shows one node with its static facts and latest report', async () => {
    const { id, secret } = await createNode('edge-listed', { group: 'listing' });
    const node = emulator(secret);
    await node.postStatic();
    const report = node.nextReport();
    await node.report(report);

    const list = await pharos.request('/api/v1/nodes?group=listing', { token });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    const [item] = list.body.items;
    expect(item).toMatchObject({
      id,
      source: 'ithiltir',
      online: true,
      agentVersion: '0.2.1',
      facts: { os: 'linux', arch: 'x86_64', cpuModel: 'AMD EPYC 7443P 24-Core Processor', memoryTotal: 68719476736, reportIntervalSeconds: 3 },
      latest: { server_id: id, memory_percent: 31.25, tcp_count: report.metrics.connections.tcp_count },
      latestReportedAt: new Date(report.timestamp).toISOString(),
    });
    expect(item).not.toHaveProperty('facts.payload');

    const detail = await pharos.request(`/api/v1/nodes/${id}`, { token });
    expect(detail.body.static.payload.disk.filesystems[2].fs_type).toBe('xfs');
    expect(detail.body.snapshot.payload.metrics.raid.arrays[1]).toMatchObject({ name: 'md1', health: 'degraded', sync_progress: 0.426 });
    expect(detail.body.snapshot.payload.metrics.disk.smart.devices[2]).toMatchObject({ health: 'failed', failing_attrs: [{ id: 5 }] });

    const agent = await pharos.request('/api/v1/servers', { token, body: { name: 'not-a-node' } });
    expect((await pharos.request(`/api/v1/nodes/${agent.body.id}`, { token })).status).toBe(404);
  });

  it('charts a node’s history per series, per entity and at a chosen resolution', async () => {
    const { id, secret } = await createNode('edge-history');
    const node = emulator(secret);
    const start = utcMidnightDaysAgo(1);
    for (let i = 0; i < 40; i++) expect((await node.report(node.nextReport(new Date(start.getTime() + i * 3000)))).status).toBe(200);
    const range = `from=${start.toISOString()}&to=${new Date(start.getTime() + 120_000).toISOString()}`;

    const raw = await pharos.request(
      `/api/v1/nodes/${id}/metrics?series=cpu_percent,load1,iface_rx_bytes_per_sec,temp_c&${range}&points=1000&resolution=raw`,
      { token },
    );
    expect(raw.status).toBe(200);
    expect(raw.body).toMatchObject({ resolution: 'raw', stepSeconds: 1 });
    expect(raw.body.timestamps).toHaveLength(40);
    expect(raw.body.series.load1).toHaveLength(40);
    expect(Object.keys(raw.body.entities.iface_rx_bytes_per_sec).sort()).toEqual(['docker0', 'eth0', 'eth1']);
    expect(raw.body.entities.temp_c['smart:sda']).toEqual(new Array(40).fill(36));
    expect(raw.body.available).toEqual(expect.arrayContaining(['cpu_percent', 'fs_used_percent', 'disk_io_read_bytes_per_sec']));

    const minutes = await pharos.request(`/api/v1/nodes/${id}/metrics?series=cpu_percent,fs_used_percent&${range}&resolution=1m`, { token });
    expect(minutes.body).toMatchObject({ resolution: '1m', stepSeconds: 60, timestamps: [start.getTime(), start.getTime() + 60_000] });
    const firstMinute = raw.body.series.cpu_percent.slice(0, 20);
    expect(minutes.body.series.cpu_percent[0]).toBeCloseTo(firstMinute.reduce((a: number, b: number) => a + b, 0) / 20, 9);
    expect(minutes.body.entities.fs_used_percent['/']).toEqual([40, 40]);

    expect((await pharos.request(`/api/v1/nodes/${id}/metrics?series=bogus`, { token })).body.field).toBe('series');
    expect((await pharos.request(`/api/v1/nodes/${id}/metrics?resolution=5m`, { token })).body.field).toBe('resolution');
  });

  it('deletes a node: it leaves the fleet and its secret stops working', async () => {
    const { id, secret } = await createNode('edge-deleted');
    const node = emulator(secret);
    expect((await node.report()).status).toBe(200);
    expect((await pharos.request(`/api/v1/nodes/${id}`, { token, method: 'DELETE' })).status).toBe(204);
    expect((await node.report()).status).toBe(401);
    expect((await pharos.request(`/api/v1/servers/${id}`, { token })).status).toBe(404);
  });

  it('refuses a node deleted as a server while its secret is cached', async () => {
    const { id, secret } = await createNode('edge-deleted-as-server');
    const node = emulator(secret);
    expect((await node.report()).status).toBe(200);
    expect((await pharos.request(`/api/v1/servers/${id}`, { token, method: 'DELETE' })).status).toBe(204);
    expect((await node.report()).status).toBe(401);
  });

  it('refuses a routine report whose node was deleted behind Pharos\'s back (the batch write fails on the foreign key)', async () => {
    const { id, secret } = await createNode('edge-deleted-directly');
    const node = emulator(secret);
    expect((await node.report()).status).toBe(200);
    // Straight in the database: no cache is told, so the report reaches the batch write.
    await prisma.server.delete({ where: { id } });
    const refused = await node.report();
    expect(refused.status).toBe(401);
    expect(await prisma.metricSample.count({ where: { serverId: id } })).toBe(0);
  });

  it('sends Go-style timestamps the server reads to the millisecond', () => {
    expect(goTime(new Date('2026-11-23T09:23:25.120Z'), 456_000)).toBe('2026-11-23T09:23:25.120456Z');
    expect(goTime(new Date('2026-11-23T09:23:25.000Z'))).toBe('2026-11-23T09:23:25Z');
  });
});
