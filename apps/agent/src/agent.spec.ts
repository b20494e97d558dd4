import { AGENT_WS_PATH, type AgentServerMessage } from '@pharos/protocol';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';
import { eventually } from '../../../test/support/eventually';
import { Agent, AGENT_VERSION } from './agent';
import { loadAgentConfig, parseCommandLine, type RunFlags } from './config/agent-config';
import { currentUser } from './config/host-users';
import { executionContext } from './exec/execution-context';
import { silentLogger } from './log';
import type { HostReadings } from './metrics/host-metrics';
import { loadNodePty } from './terminal/pty';

const SERVER_ID = '2b1c3c1e-8d7e-4f51-9a43-6f0e7a1c9d20';

/** One agent connection as the fake Pharos saw it. */
interface Seen {
  ws: WebSocket;
  messages: any[];
  openedAt: number;
}

/** Pharos's agent socket, reduced to what these tests look at; each test decides its answers. */
class FakePharos {
  readonly connections: Seen[] = [];
  refuse = false;

  private constructor(readonly server: WebSocketServer) {
    server.on('connection', (ws) => {
      const seen: Seen = { ws, messages: [], openedAt: Date.now() };
      this.connections.push(seen);
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString());
        seen.messages.push(message);
        if (message.type !== 'auth') return;
        if (this.refuse) {
          ws.send(JSON.stringify({ type: 'error', message: 'Invalid or inactive API key' }));
          ws.close(4001, 'Invalid or inactive API key');
        } else {
          ws.send(JSON.stringify({ type: 'auth_success', server_id: SERVER_ID, message: 'Connected successfully' }));
        }
      });
    });
  }

  static async start(autoPong = true): Promise<FakePharos> {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', path: AGENT_WS_PATH, autoPong });
    await new Promise((resolve) => server.once('listening', resolve));
    return new FakePharos(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}${AGENT_WS_PATH}`;
  }

  get last(): Seen {
    return this.connections.at(-1)!;
  }

  send(message: AgentServerMessage | Record<string, unknown>, connection = this.last): void {
    connection.ws.send(JSON.stringify(message));
  }

  of(type: string, connection = this.last): any[] {
    return connection.messages.filter((m) => m.type === type);
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const host: HostReadings = {
  load: { currentLoad: 10 } as HostReadings['load'],
  memory: { total: 100, available: 50, swaptotal: 0, swapused: 0 } as HostReadings['memory'],
  filesystems: [],
  interfaces: [],
  diskBytes: null,
  diskOps: null,
  temperature: null,
  processCount: 7,
  uptimeSeconds: 100,
  loadAverage: [0, 0, 0],
  cpuCount: 2,
};

describe('the agent against a Pharos agent socket', () => {
  let pharos: FakePharos;
  let agent: Agent;
  let dir: string;

  function startAgent(flags: string[] = [], timings: { heartbeatIntervalMs?: number; heartbeatTimeoutMs?: number } = {}): Agent {
    const line = parseCommandLine(['--url', pharos.url, '--key', 'pak_test', '--reconnect-min', '0.1', '--reconnect-max', '1', '--workdir', dir, ...flags]);
    const loaded = loadAgentConfig(line as RunFlags, {
      env: { PHAROS_DOCKER_SOCKET: path.join(dir, 'no-docker.sock'), PHAROS_TERMINAL_SHELL: '/bin/sh' },
      readFile: (file) => readFileSync(file, 'utf8'),
      isDirectory: () => true,
      lookupUser: () => null,
      currentUser,
      hostname: () => 'test-host',
    });
    // Faster than an operator may set it (1 s at least), so that the tests wait less.
    const config = { ...loaded, metricsIntervalMs: 100 };
    agent = new Agent({ config, log: silentLogger, context: executionContext(config, currentUser(), process.env), pty: loadNodePty(), readHost: async () => host, connection: timings });
    agent.start();
    return agent;
  }

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'agent-spec-'));
    pharos = await FakePharos.start();
  });
  afterEach(async () => {
    await agent?.stop();
    await pharos.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('authenticates first, announcing its extensions, then sends metrics at its interval', async () => {
    startAgent();
    await eventually(() => expect(pharos.of('metrics').length).toBeGreaterThanOrEqual(3));
    expect(pharos.last.messages[0]).toEqual({ type: 'auth', api_key: 'pak_test', agent_version: AGENT_VERSION, hostname: 'test-host', capabilities: ['terminal', 'docker_logs'] });
    expect(pharos.of('metrics')[0]).toMatchObject({ type: 'metrics', server_id: SERVER_ID, cpu_percent: 10, memory_percent: 50, process_count: 7, timestamp: expect.any(String) });
  });

  it('announces no extension that is switched off', async () => {
    startAgent(['--no-terminal', '--no-docker']);
    await eventually(() => expect(pharos.of('auth')).toHaveLength(1));
    expect(pharos.of('auth')[0]).toMatchObject({ capabilities: [] });
  });

  it('runs a command once; the same id again is answered from memory, not run again', async () => {
    startAgent();
    await eventually(() => expect(pharos.of('metrics').length).toBeGreaterThan(0));
    const id = randomUUID();
    const command = { type: 'command' as const, command_id: id, command: `echo ran >> ${dir}/runs; echo "out $((1 + 1))"` };
    pharos.send(command);
    await eventually(() => expect(pharos.of('command_response')).toHaveLength(1));
    pharos.send(command);
    await eventually(() => expect(pharos.of('command_response')).toHaveLength(2));
    const [first, again] = pharos.of('command_response');
    expect(first).toEqual({ type: 'command_response', command_id: id, output: 'out 2\n', exit_code: 0, duration_ms: expect.any(Number) });
    expect(again).toEqual(first);
    expect(readFileSync(path.join(dir, 'runs'), 'utf8')).toBe('ran\n');
  });

  it('keeps an answer while Pharos is gone and sends it after authenticating again', async () => {
    startAgent();
    await eventually(() => expect(pharos.of('metrics').length).toBeGreaterThan(0));
    const id = randomUUID();
    pharos.send({ type: 'command', command_id: id, command: 'sleep 0.3; echo finished' });
    pharos.last.ws.close(1001, 'Pharos is shutting down');
    await eventually(() => expect(pharos.connections).toHaveLength(2));
    await eventually(() => expect(pharos.of('command_response')).toEqual([expect.objectContaining({ command_id: id, output: 'finished\n', exit_code: 0 })]));
    expect(pharos.last.messages[0].type).toBe('auth');
    expect(pharos.of('command_response', pharos.connections[0])).toEqual([]);
  });

  it('refuses commands and Docker actions that are switched off, saying why', async () => {
    startAgent(['--no-commands', '--no-docker']);
    await eventually(() => expect(pharos.of('metrics').length).toBeGreaterThan(0));
    const [shell, docker] = [randomUUID(), randomUUID()];
    pharos.send({ type: 'command', command_id: shell, command: `touch ${dir}/never` });
    pharos.send({ type: 'docker_command', command_id: docker, action: 'restart', container_id: 'web-1' });
    await eventually(() => expect(pharos.of('docker_response')).toHaveLength(1));
    await eventually(() => expect(pharos.of('command_response')).toHaveLength(1));
    expect(pharos.of('command_response')[0]).toEqual({ type: 'command_response', command_id: shell, output: '', exit_code: null, duration_ms: 0, error: 'shell commands are disabled on this agent (--no-commands)' });
    expect(pharos.of('docker_response')[0]).toEqual({ type: 'docker_response', command_id: docker, success: false, message: 'Docker actions are disabled on this agent (--no-docker)' });
  });

  it('answers a Docker action it cannot reach the daemon for', async () => {
    startAgent();
    await eventually(() => expect(pharos.of('metrics').length).toBeGreaterThan(0));
    pharos.send({ type: 'docker_command', command_id: randomUUID(), action: 'start', container_id: 'web-1' });
    await eventually(() => expect(pharos.of('docker_response')).toEqual([expect.objectContaining({ success: false, message: expect.stringContaining('Docker Engine API unreachable') })]));
  });

  it('waits the longest delay after Pharos refused its key', async () => {
    pharos.refuse = true;
    startAgent();
    await eventually(() => expect(pharos.connections).toHaveLength(2), 3000);
    const gap = pharos.connections[1]!.openedAt - pharos.connections[0]!.openedAt;
    expect(gap).toBeGreaterThanOrEqual(490); // half of --reconnect-max at least
  });

  it('drops a connection on which Pharos went silent, and connects again', async () => {
    await pharos.close();
    pharos = await FakePharos.start(false);
    startAgent([], { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 300 });
    await eventually(() => expect(pharos.connections.length).toBeGreaterThanOrEqual(2), 5000);
  });

  it('ends its terminal sessions when the connection is lost', async () => {
    startAgent();
    await eventually(() => expect(pharos.of('metrics').length).toBeGreaterThan(0));
    const session = randomUUID();
    pharos.send({ type: 'terminal_open', session_id: session, cols: 80, rows: 24 });
    pharos.send({ type: 'terminal_input', session_id: session, data: Buffer.from(`echo $$ > ${dir}/pid\r`).toString('base64') });
    await eventually(() => expect(readFileSync(path.join(dir, 'pid'), 'utf8')).toMatch(/^\d+\n$/));
    const pid = Number(readFileSync(path.join(dir, 'pid'), 'utf8'));
    expect(pharos.of('terminal_opened')).toEqual([{ type: 'terminal_opened', session_id: session, shell: '/bin/sh', window: 262_144 }]);
    pharos.last.ws.terminate();
    await eventually(() => expect(() => process.kill(pid, 0)).toThrow());
  });
});
