import {
  AGENT_WS_PATH,
  type AgentAuthSuccess,
  type AgentClientMessage,
  type AgentCommand,
  type AgentCommandResponse,
  type AgentDockerCommand,
  type AgentDockerResponse,
  type AgentMetricsMessage,
  type AgentServerMessage,
} from '@pharos/protocol';
import WebSocket from 'ws';

export type ShellAnswer = Omit<AgentCommandResponse, 'type' | 'command_id'>;
export type DockerAnswer = Omit<AgentDockerResponse, 'type' | 'command_id'>;

export interface FakeAgentOptions {
  /** Answer Pharos's WebSocket pings (default true); false plays an agent that hung. */
  autoPong?: boolean;
  /** Answer every `command` at once (a simulated fleet); without it a test reads them itself. */
  onCommand?: (command: AgentCommand) => ShellAnswer | Promise<ShellAnswer>;
  onDockerCommand?: (command: AgentDockerCommand) => DockerAnswer | Promise<DockerAnswer>;
  /** Extra fields of the auth message (e.g. `agent_version`). */
  hello?: Record<string, unknown>;
  /** Headers of the upgrade request (e.g. `X-Forwarded-For`, as a proxy in front would add). */
  headers?: Record<string, string>;
}

/** Thrown by `FakeAgent.connect` when Pharos refuses the key. */
export class AgentRefused extends Error {
  constructor(
    readonly reply: unknown,
    readonly close: { code: number; reason: string },
  ) {
    super(`agent refused: ${JSON.stringify(reply)} (close ${close.code})`);
  }
}

/**
 * An agent as docs/protocols/agent-websocket.md describes it, over a real WebSocket: it authenticates with its API key,
 * sends metrics and log lines, and receives commands (read by the test, or answered by
 * `onCommand`). Every message it sends or reads is typed from `@pharos/protocol`.
 */
export class FakeAgent {
  private readonly inbox: AgentServerMessage[] = [];
  private readonly waiters: ((message: AgentServerMessage) => void)[] = [];
  private lastTimestamp = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  serverId = '';

  private constructor(
    readonly ws: WebSocket,
    private readonly options: FakeAgentOptions,
  ) {
    ws.on('message', (data) => this.receive(JSON.parse(data.toString()) as AgentServerMessage));
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Connects to `<baseWsUrl>/api/v1/agents/ws` and authenticates; rejects with `AgentRefused`. */
  static async connect(baseWsUrl: string, apiKey: string, options: FakeAgentOptions = {}): Promise<FakeAgent> {
    const agent = await FakeAgent.open(baseWsUrl, options);
    agent.send({ type: 'auth', api_key: apiKey, ...options.hello } as AgentClientMessage);
    const reply = await Promise.race([agent.next(), agent.closed.then(() => undefined)]);
    if (reply?.type !== 'auth_success') {
      throw new AgentRefused(reply, await agent.closed);
    }
    agent.serverId = (reply as AgentAuthSuccess).server_id;
    return agent;
  }

  /** An open, not yet authenticated socket (for tests of the auth step itself). */
  static open(baseWsUrl: string, options: FakeAgentOptions = {}): Promise<FakeAgent> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${baseWsUrl}${AGENT_WS_PATH}`, { autoPong: options.autoPong ?? true, headers: options.headers });
      const agent = new FakeAgent(ws, options);
      ws.once('open', () => resolve(agent));
      ws.once('error', reject);
    });
  }

  /** Sends any message, or raw text (for malformed-input tests). */
  send(message: AgentClientMessage | Record<string, unknown> | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /**
   * Sends a seed-shaped `metrics` message (psutil-style disks and interfaces); each call gets a
   * later timestamp than the previous one. Returns what was sent.
   */
  sendMetrics(overrides: Partial<AgentMetricsMessage> = {}): AgentMetricsMessage {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    const message: AgentMetricsMessage = {
      type: 'metrics',
      server_id: this.serverId,
      cpu_percent: 45.2,
      memory_percent: 62.5,
      disk_usage: [{ device: '/dev/sda1', mountpoint: '/', total: 100_000_000_000, used: 40_000_000_000, free: 60_000_000_000, percent: 40 }],
      network: [{ interface: 'eth0', bytes_sent: 1_000_000, bytes_recv: 2_000_000 }],
      timestamp: new Date(this.lastTimestamp).toISOString(),
      ...overrides,
    };
    this.send(message);
    return message;
  }

  sendLog(message: string, level = 'INFO', timestamp = new Date().toISOString()): void {
    this.send({ type: 'log', data: { level, message, timestamp } });
  }

  answer(command: AgentCommand, answer: ShellAnswer): void {
    this.send({ type: 'command_response', command_id: command.command_id, ...answer });
  }

  answerDocker(command: AgentDockerCommand, answer: DockerAnswer): void {
    this.send({ type: 'docker_response', command_id: command.command_id, ...answer });
  }

  /** The next message from Pharos (not answered by a handler), or an error after `timeoutMs`. */
  next<T extends AgentServerMessage = AgentServerMessage>(timeoutMs = 10_000): Promise<T> {
    if (this.inbox.length > 0) return Promise.resolve(this.inbox.shift() as T);
    return new Promise((resolve, reject) => {
      const waiter = (message: AgentServerMessage) => {
        clearTimeout(timer);
        resolve(message as T);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error('no message from Pharos arrived'));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async nextCommand(timeoutMs?: number): Promise<AgentCommand> {
    return this.nextOfType<AgentCommand>('command', timeoutMs);
  }

  async nextDockerCommand(timeoutMs?: number): Promise<AgentDockerCommand> {
    return this.nextOfType<AgentDockerCommand>('docker_command', timeoutMs);
  }

  /** Messages received and not read yet. */
  get pending(): number {
    return this.inbox.length;
  }

  close(code?: number): void {
    this.ws.close(code);
  }

  private async nextOfType<T extends AgentServerMessage>(type: T['type'], timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = await this.next(Math.max(deadline - Date.now(), 1));
      if (message.type === type) return message as T;
    }
  }

  private receive(message: AgentServerMessage): void {
    if (message.type === 'command' && this.options.onCommand) {
      void Promise.resolve(this.options.onCommand(message)).then((answer) => this.answer(message, answer));
      return;
    }
    if (message.type === 'docker_command' && this.options.onDockerCommand) {
      void Promise.resolve(this.options.onDockerCommand(message)).then((answer) => this.answerDocker(message, answer));
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(message);
    else this.inbox.push(message);
  }
}

/** Creates an agent server and issues its API key through the admin REST API. */
export async function enrolAgentServer(
  pharos: { request: (path: string, req: { token?: string; body?: unknown; method?: string }) => Promise<{ status: number; body: any }> },
  token: string,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<{ serverId: string; apiKey: string; keyId: string }> {
  const server = await pharos.request('/api/v1/servers', { token, body: { name, ...extra } });
  if (server.status !== 201) throw new Error(`could not create server ${name}: ${server.status} ${JSON.stringify(server.body)}`);
  const key = await pharos.request(`/api/v1/servers/${server.body.id}/agent-keys`, { token, method: 'POST' });
  if (key.status !== 201) throw new Error(`could not issue an agent key: ${key.status} ${JSON.stringify(key.body)}`);
  return { serverId: server.body.id, apiKey: key.body.apiKey, keyId: key.body.id };
}
