import type { AlertData } from '@pharos/protocol';
import { eventually } from './support/eventually';
import { enrolAgentServer, FakeAgent } from './support/fake-agent';
import { IthiltirNodeEmulator } from './support/ithiltir-node-emulator';
import { LightdEmulator } from './support/lightd-emulator';
import { healthyReport } from './support/node-report-health';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

/**
 * Each built-in rule fires from simulated input of its source and resolves when the input
 * clears: silent agent, silent node, silent Lightd daemon, a Lightd error update, a degraded
 * RAID array, a failing disk, a filesystem at 95 %, a failed command.
 */
describe('built-in alert rules', () => {
  let pharos: RunningPharos;
  let token: string;

  beforeAll(async () => {
    pharos = await startPharos({
      env: {
        AGENT_HEARTBEAT_INTERVAL_SECONDS: '0.4',
        AGENT_HEARTBEAT_TIMEOUT_SECONDS: '2',
        NODE_OFFLINE_MISSED_REPORTS: '2',
        LIGHTD_OFFLINE_AFTER_SECONDS: '1',
        LIGHTD_OFFLINE_SWEEP_SECONDS: '1',
        LIGHTD_USAGE_SAMPLE_SECONDS: '0.3',
      },
    });
    token = await pharos.login();
  });
  afterAll(() => pharos.close());

  async function alerts(serverId: string): Promise<AlertData[]> {
    const res = await pharos.request(`/api/v1/alerts/incidents?serverId=${serverId}`, { token });
    expect(res.status).toBe(200);
    return res.body.items;
  }

  /** The server's incidents as `rule [subject] state`, oldest first. */
  async function states(serverId: string): Promise<string[]> {
    return (await alerts(serverId)).reverse().map((a) => `${a.rule}${a.subject ? ` [${a.subject}]` : ''} ${a.state}`);
  }

  async function node(name: string, intervalSeconds = 60): Promise<{ id: string; emulator: IthiltirNodeEmulator }> {
    const res = await pharos.request('/api/v1/nodes', { token, body: { name } });
    expect(res.status).toBe(201);
    const emulator = new IthiltirNodeEmulator({ targetUrl: `${pharos.baseUrl}/api/node/metrics`, key: res.body.secret, intervalSeconds });
    expect((await emulator.postStatic()).status).toBe(200);
    return { id: res.body.node.id, emulator };
  }

  async function daemon(name: string): Promise<{ serverId: string; lightd: LightdEmulator }> {
    const res = await pharos.request('/api/v1/lightd/daemons', { token, body: { name, apiUrl: 'http://127.0.0.1:9' } });
    expect(res.status).toBe(201);
    return { serverId: res.body.daemon.serverId, lightd: new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: res.body.remoteToken }) };
  }

  it('lists the built-in rules, on by default except "command failed", and refuses to delete one', async () => {
    const rules = (await pharos.request('/api/v1/alerts/rules', { token })).body.items.filter((r: { builtIn: boolean }) => r.builtIn);
    expect(Object.fromEntries(rules.map((r: { kind: string; enabled: boolean }) => [r.kind, r.enabled]))).toEqual({
      server_offline: true,
      daemon_offline: true,
      container_failed: true,
      raid_degraded: true,
      smart_failed: true,
      disk_full: true,
      command_failed: false,
    });
    const disk = rules.find((r: { kind: string }) => r.kind === 'disk_full');
    expect(disk).toEqual(expect.objectContaining({ op: 'gt', threshold: 90 }));
    expect((await pharos.request(`/api/v1/alerts/rules/${disk.id}`, { method: 'DELETE', token })).status).toBe(409);
  });

  it('fires "server offline" for a silent agent and resolves it when the agent is back', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'builtin-agent');
    const hung = await FakeAgent.connect(pharos.wsUrl, apiKey, { autoPong: false });
    await hung.closed;
    await eventually(async () => expect(await states(serverId)).toEqual(['Server offline firing']), 10_000);
    const back = await FakeAgent.connect(pharos.wsUrl, apiKey);
    await eventually(async () => expect(await states(serverId)).toEqual(['Server offline resolved']), 10_000);
    back.close();
  });

  it('fires "server offline" for a silent Ithiltir node and resolves it on its next report', async () => {
    const { id, emulator } = await node('builtin-node', 1);
    expect((await emulator.report(healthyReport(emulator.nextReport()))).status).toBe(200);
    await eventually(async () => expect(await states(id)).toEqual(['Server offline firing']), 10_000);
    const firing = (await alerts(id))[0]!;
    expect(firing.severity).toBe('critical');
    expect((await emulator.report(healthyReport(emulator.nextReport()))).status).toBe(200);
    await eventually(async () => expect(await states(id)).toEqual(['Server offline resolved']), 10_000);
  });

  it('fires "Lightd daemon offline" (not "server offline") for a silent daemon, resolved when it calls again', async () => {
    const { serverId, lightd } = await daemon('builtin-daemon');
    expect((await lightd.sendStatus('s1', 'installing')).status).toBe(200);
    await eventually(async () => expect(await states(serverId)).toEqual(['Lightd daemon offline firing']), 10_000);
    expect((await lightd.sendStatus('s1', 'ready')).status).toBe(200);
    await eventually(async () => expect(await states(serverId)).toEqual(['Lightd daemon offline resolved']), 10_000);
  });

  it('fires "container failed" on a Lightd error update, with the error, and resolves when the container is ready', async () => {
    const { serverId, lightd } = await daemon('builtin-containers');
    // Keeps the daemon online meanwhile (offline after 1 s of silence).
    const keepAlive = setInterval(() => void lightd.sendStatus('keepalive', 'ready'), 300);
    try {
      expect((await lightd.sendStatus('mc-7', 'installing')).status).toBe(200);
      expect((await lightd.sendError('mc-7', 'failed', 'Failed to pull image: manifest unknown')).status).toBe(200);
      await eventually(async () => expect(await states(serverId)).toEqual(['Container failed [container:mc-7] firing']), 10_000);
      expect((await alerts(serverId))[0]!.message).toBe('Container failed: Container mc-7 on builtin-containers failed: failed: Failed to pull image: manifest unknown');
      expect((await lightd.sendStatus('mc-7', 'ready')).status).toBe(200);
      await eventually(async () => expect(await states(serverId)).toEqual(['Container failed [container:mc-7] resolved']), 10_000);
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('fires "RAID degraded" for a degraded array and resolves it when the array is healthy again', async () => {
    const { id, emulator } = await node('builtin-raid');
    expect((await emulator.report(healthyReport(emulator.nextReport()))).status).toBe(200);
    const degraded = healthyReport(emulator.nextReport());
    Object.assign(degraded.metrics.raid.arrays[1]!, { health: 'degraded', failed: 1, members: [{ name: 'nvme0n1p1', state: 'up' }, { name: 'nvme1n1p1', state: 'down' }] });
    expect((await emulator.report(degraded)).status).toBe(200);
    await eventually(async () => expect(await states(id)).toEqual(['RAID degraded or failed [raid:md1] firing']));
    expect((await alerts(id))[0]!.message).toContain('down: nvme1n1p1');
    expect((await emulator.report(healthyReport(emulator.nextReport()))).status).toBe(200);
    await eventually(async () => expect(await states(id)).toEqual(['RAID degraded or failed [raid:md1] resolved']));
  });

  it('fires "SMART failed" for a failing disk and for an NVMe critical warning, each resolved when clear', async () => {
    const { id, emulator } = await node('builtin-smart');
    const failing = healthyReport(emulator.nextReport());
    const [nvme0, , sda] = failing.metrics.disk.smart.devices;
    Object.assign(sda!, { health: 'failed', failing_attrs: [{ id: 5, name: 'Reallocated_Sector_Ct', when_failed: 'FAILING_NOW' }] });
    Object.assign(nvme0!, { critical_warning: 0x04 });
    expect((await emulator.report(failing)).status).toBe(200);
    await eventually(async () => expect((await states(id)).sort()).toEqual(['SMART failed / NVMe warning [disk:nvme0n1] firing', 'SMART failed / NVMe warning [disk:sda] firing']));
    const messages = (await alerts(id)).map((a) => a.message).sort();
    expect(messages).toEqual([
      'SMART failed / NVMe warning: Disk nvme0n1: NVMe critical warning 0x4',
      'SMART failed / NVMe warning: Disk sda: SMART health failed; failing attributes: Reallocated_Sector_Ct',
    ]);
    expect((await emulator.report(healthyReport(emulator.nextReport()))).status).toBe(200);
    await eventually(async () => expect((await states(id)).sort()).toEqual(['SMART failed / NVMe warning [disk:nvme0n1] resolved', 'SMART failed / NVMe warning [disk:sda] resolved']));
  });

  it('fires "disk above 90 %" for a filesystem at 95 % and resolves it when space is freed', async () => {
    const { id, emulator } = await node('builtin-disk');
    const full = healthyReport(emulator.nextReport());
    const fs = full.metrics.disk.filesystems.find((f) => f.path === '/srv/backup')!;
    Object.assign(fs, { used: 95, free: 5, used_ratio: 0.95 });
    expect((await emulator.report(full)).status).toBe(200);
    await eventually(async () => expect(await states(id)).toEqual(['Disk above 90 % [fs:/srv/backup] firing']));
    expect((await alerts(id))[0]!.value).toBe(95);
    expect((await emulator.report(healthyReport(emulator.nextReport()))).status).toBe(200);
    await eventually(async () => expect(await states(id)).toEqual(['Disk above 90 % [fs:/srv/backup] resolved']));
  });

  it('fires "command failed" once it is switched on, for a command that exits non-zero', async () => {
    const rule = (await pharos.request('/api/v1/alerts/rules', { token })).body.items.find((r: { kind: string }) => r.kind === 'command_failed');
    expect((await pharos.request(`/api/v1/alerts/rules/${rule.id}`, { method: 'PATCH', token, body: { enabled: true } })).status).toBe(200);
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'builtin-commands');
    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey, { onCommand: (c) => (c.command === 'false' ? { output: '', exit_code: 1, duration_ms: 1 } : { output: 'ok', exit_code: 0, duration_ms: 1 }) });
    try {
      expect((await pharos.request(`/api/v1/servers/${serverId}/commands`, { token, body: { command: 'true' } })).status).toBe(202);
      expect((await pharos.request(`/api/v1/servers/${serverId}/commands`, { token, body: { command: 'false' } })).status).toBe(202);
      // A moment, not a state: the incident opens and closes at once.
      await eventually(async () => expect(await states(serverId)).toEqual([expect.stringMatching(/^Command failed \[command:[0-9a-f-]{36}\] resolved$/)]));
      expect((await alerts(serverId))[0]!.value).toBe(1);
    } finally {
      agent.close();
    }
  });
});
