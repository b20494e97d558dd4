import type { TerminalServerMessage } from '@pharos/protocol';
import type { AuthenticatedUser } from '../../identity/access/authenticated-user';
import type { AuditLogService } from '../../identity/audit/audit-log.service';
import type { PharosConfig } from '../../platform/config/pharos-config';
import { ConflictError, ForbiddenError } from '../../platform/errors/domain-errors';
import type { ServersService } from '../servers/servers.service';
import type { TerminalChannel } from './terminal-link';
import { base64Bytes, type TerminalBrowser, type TerminalEnd, TerminalRelayService } from './terminal-relay.service';

const WINDOW = 8192;
const admin: AuthenticatedUser = { id: 'u1', username: 'ada', role: 'admin', tokenExpiresAt: Date.now() + 60_000 };

/** An agent connection that records what the relay sends it. */
class Channel implements TerminalChannel {
  readonly sent: TerminalServerMessage[] = [];
  open = true;
  constructor(readonly serverId: string) {}
  send(message: TerminalServerMessage): boolean {
    if (this.open) this.sent.push(message);
    return this.open;
  }
  of<T extends TerminalServerMessage['type']>(type: T): Extract<TerminalServerMessage, { type: T }>[] {
    return this.sent.filter((m) => m.type === type) as Extract<TerminalServerMessage, { type: T }>[];
  }
}

class Browser implements TerminalBrowser {
  output_: string[] = [];
  ends: TerminalEnd[] = [];
  shell?: string;
  opened(_id: string, shell: string): void {
    this.shell = shell;
  }
  output(data: string): void {
    this.output_.push(data);
  }
  ended(end: TerminalEnd): void {
    this.ends.push(end);
  }
}

const chunk = (bytes: number) => Buffer.alloc(bytes, 120).toString('base64');

describe('TerminalRelayService', () => {
  let relay: TerminalRelayService;
  let channel: Channel;
  let audit: { action: string; data: unknown }[];

  beforeEach(() => {
    jest.useFakeTimers();
    audit = [];
    const audits = { record: async (_actor: unknown, action: string, _target: unknown, data: unknown) => void audit.push({ action, data }) } as unknown as AuditLogService;
    const servers = { get: async () => ({}) } as unknown as ServersService;
    const config = { terminalWindowBytes: WINDOW, terminalIdleSeconds: 60, terminalOpenTimeoutSeconds: 5 } as PharosConfig;
    relay = new TerminalRelayService(servers, audits, config);
    channel = new Channel('s1');
    relay.useAgentLink({ terminalChannel: (id) => (id === 's1' ? channel : id === 's2' ? 'no_terminal' : 'not_connected') });
  });
  afterEach(() => jest.useRealTimers());

  const open = async (browser = new Browser()) => {
    const session = await relay.open(admin, 's1', { cols: 80, rows: 24 }, browser);
    relay.fromAgent(channel, { type: 'terminal_opened', session_id: session.id, shell: '/bin/sh', window: WINDOW });
    return { session, browser };
  };

  it('counts base64 as the bytes it holds', () => {
    expect([base64Bytes(''), base64Bytes('aGk='), base64Bytes('aGkh'), base64Bytes('aA==')]).toEqual([0, 2, 3, 1]);
  });

  it('refuses viewers and servers whose agent cannot open one, opening nothing', async () => {
    await expect(relay.open({ ...admin, role: 'viewer' }, 's1', { cols: 80, rows: 24 }, new Browser())).rejects.toThrow(ForbiddenError);
    await expect(relay.open(admin, 's2', { cols: 80, rows: 24 }, new Browser())).rejects.toThrow(new ConflictError('the agent of server s2 does not offer a terminal'));
    await expect(relay.open(admin, 's3', { cols: 80, rows: 24 }, new Browser())).rejects.toThrow(new ConflictError('the agent of server s3 is not connected'));
    expect(channel.sent).toEqual([]);
  });

  it('opens with the window and size, and forwards only acks for bytes the browser was sent, never backwards', async () => {
    const { session, browser } = await open();
    expect(channel.sent[0]).toEqual({ type: 'terminal_open', session_id: session.id, cols: 80, rows: 24, window: WINDOW });
    expect(browser.shell).toBe('/bin/sh');
    relay.fromAgent(channel, { type: 'terminal_output', session_id: session.id, data: chunk(3000) });
    session.consumed(1000);
    session.consumed(500);
    session.consumed(999_999);
    session.consumed(3000);
    expect(channel.of('terminal_ack').map((a) => a.bytes)).toEqual([1000, 3000]);
  });

  it('cuts off an agent that sends past its window: the relay never holds more', async () => {
    const { session, browser } = await open();
    relay.fromAgent(channel, { type: 'terminal_output', session_id: session.id, data: chunk(WINDOW - 100) });
    session.consumed(1000);
    relay.fromAgent(channel, { type: 'terminal_output', session_id: session.id, data: chunk(1100) });
    expect(browser.ends).toEqual([]);
    relay.fromAgent(channel, { type: 'terminal_output', session_id: session.id, data: chunk(1) });
    relay.fromAgent(channel, { type: 'terminal_output', session_id: session.id, data: chunk(1) });
    expect(browser.output_).toHaveLength(2);
    expect(browser.ends).toEqual([{ reason: 'overrun', message: 'The agent sent more output than its window allows' }]);
    expect(channel.of('terminal_close')).toEqual([{ type: 'terminal_close', session_id: session.id }]);
    expect(relay.openSessions()).toBe(0);
  });

  it('ignores another connection speaking for the session, ends its own with the agent, audits start and end', async () => {
    const { session, browser } = await open();
    const intruder = new Channel('s1');
    relay.fromAgent(intruder, { type: 'terminal_output', session_id: session.id, data: chunk(10) });
    relay.fromAgent(intruder, { type: 'terminal_exit', session_id: session.id, reason: 'exited', exit_code: 0 });
    expect(browser.output_).toEqual([]);
    expect(session.ended).toBe(false);
    session.input(Buffer.from('ls\r').toString('base64'));
    relay.agentGone(intruder);
    expect(session.ended).toBe(false);
    relay.agentGone(channel);
    expect(browser.ends).toEqual([{ reason: 'agent_gone', message: 'The agent disconnected' }]);
    expect(channel.of('terminal_close')).toEqual([]);
    await Promise.resolve();
    expect(audit.map((a) => a.action)).toEqual(['terminal.open', 'terminal.close']);
    expect(audit[1]!.data).toMatchObject({ sessionId: session.id, reason: 'agent_gone', inputBytes: 3, outputBytes: 0, shell: '/bin/sh' });
  });

  it('closes a session without input for the idle timeout, and one the agent never opened', async () => {
    const { session, browser } = await open();
    jest.advanceTimersByTime(59_000);
    session.resize(100, 30);
    jest.advanceTimersByTime(59_000);
    expect(session.ended).toBe(false);
    jest.advanceTimersByTime(1_000);
    expect(browser.ends).toEqual([{ reason: 'idle', message: 'No input for 60 s' }]);
    expect(channel.of('terminal_close')).toHaveLength(1);

    const silent = new Browser();
    await relay.open(admin, 's1', { cols: 80, rows: 24 }, silent);
    jest.advanceTimersByTime(5_000);
    expect(silent.ends).toEqual([{ reason: 'refused', message: 'The agent did not open the terminal in time' }]);
    await Promise.resolve();
    // Only sessions that ran are audited.
    expect(audit.map((a) => a.action)).toEqual(['terminal.open', 'terminal.close']);
  });
});
