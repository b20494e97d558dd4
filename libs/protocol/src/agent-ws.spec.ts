import {
  type AgentAuthSuccess,
  agentAuthMessage,
  type AgentCommand,
  type AgentDockerCommand,
  type PharosAuthSuccess,
  type PharosCommand,
  pharosMessageValidators,
  terminalAgentMessageValidators,
} from './agent-ws';
import { describeWireError } from './validation';

const SESSION = '0b7e8a52-3f3e-4c55-9a8b-2d7d3c0f1e2a';

describe('agent socket: auth and capabilities', () => {
  it('takes an auth with or without capabilities, and unknown capability names', () => {
    expect(agentAuthMessage.check({ type: 'auth', api_key: 'pak_1' })).toBe(true);
    expect(agentAuthMessage.check({ type: 'auth', api_key: 'pak_1', capabilities: ['terminal', 'docker_logs', 'from-the-future'] })).toBe(true);
    const wrong = agentAuthMessage.validate({ type: 'auth', api_key: 'pak_1', capabilities: 'terminal' });
    expect(!wrong.ok && describeWireError(wrong.error)).toBe('capabilities: Expected array');
  });

  it('checks what Pharos sends as the interfaces Pharos builds it from', () => {
    // The schemas and the interfaces describe the same messages (checked by the compiler too).
    const command: AgentCommand = { type: 'command', command_id: SESSION, command: 'uptime' };
    const asSchema: PharosCommand = command;
    const hello: PharosAuthSuccess = { type: 'auth_success', server_id: SESSION, message: 'Connected successfully' } satisfies AgentAuthSuccess;
    const docker: AgentDockerCommand = { type: 'docker_command', command_id: SESSION, action: 'restart', container_id: 'web-1' };
    for (const message of [asSchema, hello, docker, { type: 'pong' }, { type: 'error', message: 'Invalid message format' }]) {
      expect(pharosMessageValidators[message.type as keyof typeof pharosMessageValidators].check(message)).toBe(true);
    }
    expect(pharosMessageValidators.docker_command.check({ ...docker, action: 'logs', tail: 50 })).toBe(true);
    expect(pharosMessageValidators.command.check({ ...command, command_id: 'not-a-uuid' })).toBe(false);
  });
});

describe('agent socket: the terminal extension', () => {
  it('validates what Pharos sends', () => {
    const v = pharosMessageValidators;
    expect(v.terminal_open.check({ type: 'terminal_open', session_id: SESSION, cols: 80, rows: 24 })).toBe(true);
    expect(v.terminal_open.check({ type: 'terminal_open', session_id: SESSION, cols: 80, rows: 24, window: 65_536 })).toBe(true);
    expect(v.terminal_input.check({ type: 'terminal_input', session_id: SESSION, data: Buffer.from('ls\r').toString('base64') })).toBe(true);
    expect(v.terminal_resize.check({ type: 'terminal_resize', session_id: SESSION, cols: 200, rows: 50 })).toBe(true);
    expect(v.terminal_ack.check({ type: 'terminal_ack', session_id: SESSION, bytes: 123_456 })).toBe(true);
    expect(v.terminal_close.check({ type: 'terminal_close', session_id: SESSION })).toBe(true);
  });

  it.each([
    ['a terminal 0 columns wide', { type: 'terminal_open', session_id: SESSION, cols: 0, rows: 24 }, 'cols: Expected integer to be greater or equal to 1'],
    ['a window under 4 KiB', { type: 'terminal_open', session_id: SESSION, cols: 80, rows: 24, window: 10 }, 'window: Expected integer to be greater or equal to 4096'],
    ['input that is not base64', { type: 'terminal_input', session_id: SESSION, data: 'not base64!' }, 'data: Expected string to match \'^[A-Za-z0-9+/]*={0,2}$\''],
    ['input over 64 KiB', { type: 'terminal_input', session_id: SESSION, data: 'A'.repeat(90_000) }, 'data: Expected string length less or equal to 87384'],
    ['a negative ack', { type: 'terminal_ack', session_id: SESSION, bytes: -1 }, 'bytes: Expected integer to be greater or equal to 0'],
    ['a session id that is not a UUID', { type: 'terminal_close', session_id: 'x' }, "session_id: Expected string to match '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'"],
  ])('refuses %s with the field and the reason', (_, message, reason) => {
    const result = pharosMessageValidators[message.type as 'terminal_open'].validate(message);
    expect(!result.ok && describeWireError(result.error)).toBe(reason);
  });

  it('validates what the agent sends', () => {
    const v = terminalAgentMessageValidators;
    expect(v.terminal_opened.check({ type: 'terminal_opened', session_id: SESSION, shell: '/bin/bash', window: 262_144 })).toBe(true);
    expect(v.terminal_output.check({ type: 'terminal_output', session_id: SESSION, data: 'aGk=' })).toBe(true);
    expect(v.terminal_exit.check({ type: 'terminal_exit', session_id: SESSION, reason: 'exited', exit_code: 0, signal: null })).toBe(true);
    expect(v.terminal_exit.check({ type: 'terminal_exit', session_id: SESSION, reason: 'refused', message: 'too many terminal sessions' })).toBe(true);
    expect(v.terminal_exit.check({ type: 'terminal_exit', session_id: SESSION, reason: 'crashed' })).toBe(false);
  });
});
