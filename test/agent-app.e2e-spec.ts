import { mkdtempSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentProcess, ensureAgentBuilt } from './support/agent-process';
import { eventually } from './support/eventually';
import { enrolAgentServer } from './support/fake-agent';
import { FakeDockerEngine } from './support/fake-docker-engine';
import { openLiveSocket } from './support/live-socket';
import { startPharos, type RunningPharos } from './support/pharos-test-app';
import { TcpGate } from './support/tcp-gate';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * The real agent (apps/agent, built to dist and started as a process) against a real Pharos
 * on PostgreSQL: it reports this machine, runs shell commands and Docker actions (the Docker
 * Engine API is a fake on a unix socket), and outlives a Pharos restart. Pharos is reached
 * through a TCP gate, so the test decides when the reconnecting agent gets through.
 */
describe('pharos-agent, the real process, against Pharos', () => {
  let db: TestDatabase;
  let pharos: RunningPharos;
  let gate: TcpGate;
  let docker: FakeDockerEngine;
  let agent: AgentProcess;
  let workdir: string;
  let token: string;
  let serverId: string;

  const run = (command: string) => pharos.request(`/api/v1/servers/${serverId}/commands`, { token, body: { command } });
  const command = async (id: string) => (await pharos.request(`/api/v1/commands/${id}`, { token })).body;

  beforeAll(async () => {
    ensureAgentBuilt();
    db = await createTestDatabase();
    pharos = await startPharos({ database: db, env: { COMMAND_SWEEP_SECONDS: '1' } });
    token = await pharos.login();
    gate = await TcpGate.start(Number(new URL(pharos.baseUrl).port));
    docker = await FakeDockerEngine.start([
      { id: 'c0ffee'.padEnd(64, '0'), name: '/web-1', state: 'running' },
      { id: 'beef'.padEnd(64, '1'), name: '/worker', state: 'exited' },
    ]);
    workdir = mkdtempSync(path.join(os.tmpdir(), 'agent-e2e-'));
    const enrolled = await enrolAgentServer(pharos, token, 'agent-app-1');
    serverId = enrolled.serverId;
    agent = AgentProcess.start(
      ['--url', `http://127.0.0.1:${gate.port}`, '--metrics-interval', '1', '--reconnect-min', '0.2', '--reconnect-max', '1', '--workdir', workdir, '--log-level', 'debug'],
      { PHAROS_AGENT_KEY: enrolled.apiKey, PHAROS_DOCKER_SOCKET: docker.socketPath },
    );
  }, 120_000);

  afterAll(async () => {
    expect(await agent?.stop()).toBe(0);
    await pharos?.close();
    await gate?.close();
    await docker?.close();
    await db?.drop();
    rmSync(workdir, { recursive: true, force: true });
  });

  it('reports this machine: the server shows its hostname and version, and its metrics are kept', async () => {
    await eventually(async () => expect((await pharos.request(`/api/v1/servers/${serverId}`, { token })).body).toMatchObject({ status: 'online' }), 30_000, 100);
    const server = (await pharos.request(`/api/v1/servers/${serverId}`, { token })).body;
    expect(server).toMatchObject({ hostname: os.hostname(), agentVersion: '0.1.0' });

    const live = await openLiveSocket(pharos.wsUrl, 'metrics', serverId, token);
    // The second sample has rates: the library compares it with the first.
    await live.nextMatching((m) => m.type === 'metrics');
    const { data } = await live.nextMatching((m) => m.type === 'metrics' && m.data.network.some((n: any) => n.rx_bytes_per_sec !== undefined), 15_000);
    live.close();
    const root = statfsSync('/');
    const rootPercent = ((root.blocks - root.bfree) / (root.blocks - root.bfree + root.bavail)) * 100;
    expect(data).toMatchObject({ server_id: serverId, source: 'agent', cpu_percent: expect.any(Number), memory_percent: expect.any(Number), process_count: expect.any(Number) });
    expect(data.memory_percent).toBeGreaterThan(0);
    expect(data.process_count).toBeGreaterThan(5);
    expect(Math.abs(data.uptime_seconds - os.uptime())).toBeLessThan(60);
    expect(data.load1).toBeCloseTo(os.loadavg()[0]!, -1);
    const disk = data.disk_usage.find((d: any) => d.mountpoint === '/');
    expect(Math.abs(disk.percent - rootPercent)).toBeLessThan(2);
    expect(data.network.map((n: any) => n.interface)).toEqual(expect.arrayContaining(Object.keys(os.networkInterfaces())));

    const from = new Date(Date.now() - 120_000).toISOString();
    const history = await pharos.request(`/api/v1/servers/${serverId}/metrics?series=cpu_percent,memory_percent,process_count&resolution=raw&from=${from}`, { token });
    for (const series of ['cpu_percent', 'memory_percent', 'process_count']) {
      expect(history.body.series[series].some((v: number | null) => v !== null)).toBe(true);
    }
  }, 60_000);

  it('runs a shell command in its working directory and brings back the output and exit code', async () => {
    const created = await run('echo "in $(pwd) as $(id -un)"; echo to-stderr >&2; exit 7');
    expect(created.status).toBe(202);
    await eventually(async () => expect((await command(created.body.id)).state).toBe('failed'), 30_000, 100);
    expect(await command(created.body.id)).toMatchObject({ exitCode: 7, output: `in ${workdir} as ${os.userInfo().username}\nto-stderr\n`, durationMs: expect.any(Number) });

    const ok = await run('uname -s');
    await eventually(async () => expect(await command(ok.body.id)).toMatchObject({ state: 'completed', exitCode: 0, output: 'Linux\n' }), 30_000, 100);
  }, 60_000);

  it('runs Docker actions on the Docker Engine API socket, as the daemon answers them', async () => {
    const dockerAction = (action: string, containerId: string) => pharos.request(`/api/v1/servers/${serverId}/docker-commands`, { token, body: { action, containerId } });
    const restart = await dockerAction('restart', 'web-1');
    expect(restart.status).toBe(202);
    await eventually(async () => expect(await command(restart.body.id)).toMatchObject({ state: 'completed', success: true, message: 'Container restarted' }), 30_000, 100);
    const start = await dockerAction('start', 'worker');
    const ghost = await dockerAction('kill', 'ghost');
    await eventually(async () => expect(await command(start.body.id)).toMatchObject({ state: 'completed', message: 'Container started' }), 30_000, 100);
    await eventually(async () => expect(await command(ghost.body.id)).toMatchObject({ state: 'failed', success: false, message: 'cannot kill container: ghost: No such container: ghost' }), 30_000, 100);

    expect(docker.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /_ping',
      'POST /v1.43/containers/web-1/restart',
      'POST /v1.43/containers/worker/start',
      'POST /v1.43/containers/ghost/kill',
    ]);
    expect(docker.container('worker')!.state).toBe('running');
  }, 60_000);

  it('outlives a Pharos restart and answers a command queued meanwhile exactly once', async () => {
    const connectedBefore = agent.lines('connected to Pharos').length;
    gate.open = false;
    const dataDir = pharos.config.dataDir;
    await pharos.close(); // the agent's socket closes (1001); its reconnections hit the shut gate
    await eventually(() => expect(agent.lines('could not connect to Pharos').length).toBeGreaterThanOrEqual(2), 20_000, 100);

    pharos = await startPharos({ database: db, env: { COMMAND_SWEEP_SECONDS: '1' } });
    expect(pharos.config.dataDir).not.toBe(dataDir);
    gate.target = Number(new URL(pharos.baseUrl).port);
    token = await pharos.login();
    const marker = path.join(workdir, 'runs');
    const queued = await run(`echo ran >> ${marker}; echo queued-answer`);
    expect(queued.body).toMatchObject({ state: 'pending' }); // the agent is not connected

    gate.open = true;
    await eventually(async () => expect(await command(queued.body.id)).toMatchObject({ state: 'completed', exitCode: 0, output: 'queued-answer\n' }), 30_000, 100);
    expect(agent.lines('connected to Pharos').length).toBe(connectedBefore + 1);

    // Given time to repeat itself, the agent does not run it again, and Pharos kept one answer.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(readFileSync(marker, 'utf8')).toBe('ran\n');
    expect(agent.lines(`command_id=${queued.body.id}`).filter((l) => l.includes('running command'))).toHaveLength(1);
    const events = (await pharos.request(`/api/v1/servers/${serverId}/events?limit=200`, { token })).body.items.filter((e: any) => e.data?.commandId === queued.body.id);
    expect(events.map((e: any) => e.kind).sort()).toEqual(['command.completed', 'command.requested']);
    expect(agent.exitCode).toBeUndefined();
  }, 90_000);
});
