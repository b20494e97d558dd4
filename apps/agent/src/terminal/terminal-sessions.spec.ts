import { type TerminalAgentMessage, type TerminalExit, terminalAgentMessageValidators, type TerminalServerMessage } from '@pharos/protocol';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '../../../../test/support/eventually';
import { currentUser, lookupUser } from '../config/host-users';
import { executionContext } from '../exec/execution-context';
import { silentLogger } from '../log';
import { FramePacer } from './frame-pacer';
import { loadNodePty, type SpawnPty } from './pty';
import { TerminalSessions, type TerminalSessionsOptions } from './terminal-sessions';

const spawnPty = loadNodePty() as SpawnPty;
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A relay as Pharos would be: it sends terminal messages and reads what the agent answers. */
class Relay {
  readonly received: TerminalAgentMessage[] = [];
  readonly sessions: TerminalSessions;

  constructor(options: Partial<TerminalSessionsOptions> = {}, readonly dir = mkdtempSync(path.join(os.tmpdir(), 'agent-pty-'))) {
    this.sessions = new TerminalSessions({
      spawnPty,
      shell: '/bin/sh',
      context: executionContext({ runAs: null, workdir: this.dir }, currentUser(), { PATH: process.env.PATH }),
      maxSessions: 2,
      idleTimeoutMs: 30_000,
      send: (message) => {
        // Every message the agent sends is valid on the wire.
        const validator = terminalAgentMessageValidators[message.type];
        expect(validator.validate(message)).toMatchObject({ ok: true });
        this.received.push(message);
      },
      log: silentLogger,
      pacer: new FramePacer(1000, 1000),
      ...options,
    });
  }

  send(message: TerminalServerMessage): void {
    this.sessions.handle(message);
  }

  open(cols = 80, rows = 24, window?: number): string {
    const id = randomUUID();
    this.send({ type: 'terminal_open', session_id: id, cols, rows, ...(window ? { window } : {}) });
    return id;
  }

  type(id: string, text: string): void {
    this.send({ type: 'terminal_input', session_id: id, data: b64(text) });
  }

  /** All output of a session so far, decoded. */
  output(id: string): string {
    return this.outputBytes(id).toString('utf8');
  }

  outputBytes(id: string): Buffer {
    return Buffer.concat(this.received.filter((m) => m.type === 'terminal_output' && m.session_id === id).map((m) => Buffer.from((m as { data: string }).data, 'base64')));
  }

  exitOf(id: string): TerminalExit | undefined {
    return this.received.find((m): m is TerminalExit => m.type === 'terminal_exit' && m.session_id === id);
  }

  close(): void {
    this.sessions.abandonAll();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('terminal sessions (node-pty)', () => {
  let relay: Relay;
  afterEach(() => relay.close());

  it('opens a PTY, runs what is typed, and streams the output back', async () => {
    relay = new Relay();
    const id = relay.open();
    expect(relay.received[0]).toEqual({ type: 'terminal_opened', session_id: id, shell: '/bin/sh', window: 256 * 1024 });
    relay.type(id, 'echo hi-$((40 + 2))\r');
    await eventually(() => expect(relay.output(id)).toContain('hi-42\r\n'));
    relay.type(id, 'tty\r');
    await eventually(() => expect(relay.output(id)).toMatch(/\/dev\/pts\/\d+/));
  });

  it('resizes the terminal', async () => {
    relay = new Relay();
    const id = relay.open(80, 24);
    relay.send({ type: 'terminal_resize', session_id: id, cols: 132, rows: 43 });
    relay.type(id, 'stty size\r');
    await eventually(() => expect(relay.output(id)).toContain('43 132'));
  });

  it('ends with the shell\'s exit code, after its last output', async () => {
    relay = new Relay();
    const id = relay.open();
    relay.type(id, 'echo bye; exit 3\r');
    await eventually(() => expect(relay.exitOf(id)).toEqual({ type: 'terminal_exit', session_id: id, reason: 'exited', exit_code: 3, signal: null }));
    expect(relay.output(id)).toContain('bye');
    expect(relay.received.at(-1)!.type).toBe('terminal_exit');
    expect(relay.sessions.openCount).toBe(0);
  });

  it('closes on terminal_close, hanging up on the shell', async () => {
    relay = new Relay();
    const id = relay.open();
    relay.send({ type: 'terminal_close', session_id: id });
    await eventually(() => expect(relay.exitOf(id)).toMatchObject({ reason: 'closed' }));
    // Input for a session that ended is dropped.
    relay.type(id, 'echo late\r');
    expect(relay.sessions.openCount).toBe(0);
  });

  it('closes a session without input for the idle timeout; input keeps it open', async () => {
    relay = new Relay({ idleTimeoutMs: 600 });
    const id = relay.open();
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      relay.type(id, ':\r');
    }
    expect(relay.exitOf(id)).toBeUndefined();
    await eventually(() => expect(relay.exitOf(id)).toMatchObject({ reason: 'idle' }), 3000);
  });

  it('never lets more than the window go unacknowledged: the PTY pauses, and resumes on acks', async () => {
    relay = new Relay();
    const window = 16 * 1024;
    const id = relay.open(80, 24, window);
    relay.type(id, "head -c 300000 /dev/zero | tr '\\0' a; touch wrote-all; echo; echo END-OF-$((6 * 7))\r");
    // Without acks the output stops at the window, however much the program has to write…
    await eventually(() => expect(relay.outputBytes(id).length).toBe(window));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(relay.outputBytes(id).length).toBe(window);
    // …and the program is held on its writes (the PTY is not read), not buffered in the agent.
    expect(existsSync(path.join(relay.dir, 'wrote-all'))).toBe(false);
    // The browser drains: each ack lets another window through, until the end.
    let acked = 0;
    await eventually(
      () => {
        const received = relay.outputBytes(id).length;
        expect(received - acked).toBeLessThanOrEqual(window);
        acked = received;
        relay.send({ type: 'terminal_ack', session_id: id, bytes: acked });
        expect(relay.output(id)).toContain('END-OF-42');
      },
      20_000,
      20,
    );
    expect(relay.outputBytes(id).length).toBeGreaterThan(300_000);
    expect(existsSync(path.join(relay.dir, 'wrote-all'))).toBe(true);
    // A stale ack (smaller than one already given) changes nothing.
    relay.send({ type: 'terminal_ack', session_id: id, bytes: 0 });
    relay.type(id, 'echo still-alive\r');
    await eventually(() => expect(relay.output(id)).toContain('still-alive'));
  });

  it('refuses a session over the cap, and every session when the terminal is unavailable', () => {
    relay = new Relay({ maxSessions: 1 });
    relay.open();
    const second = relay.open();
    expect(relay.exitOf(second)).toEqual({
      type: 'terminal_exit',
      session_id: second,
      reason: 'refused',
      exit_code: null,
      signal: null,
      message: 'too many terminal sessions (1 open; --terminal-max-sessions is 1)',
    });
    relay.close();
    relay = new Relay({ spawnPty: null, why: 'the terminal is disabled on this agent (--no-terminal)' });
    expect(relay.sessions.available).toBe(false);
    const id = relay.open();
    expect(relay.exitOf(id)).toMatchObject({ reason: 'refused', message: 'the terminal is disabled on this agent (--no-terminal)' });
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('runs the shell as the --run-as user', async () => {
    const nobody = lookupUser('nobody')!;
    relay = new Relay({ context: executionContext({ runAs: nobody, workdir: '/' }, currentUser(), { PATH: process.env.PATH }) });
    const id = relay.open();
    relay.type(id, 'echo "user=$(id -u) home=$HOME dir=$(pwd)"\r');
    await eventually(() => expect(relay.output(id)).toContain(`user=${nobody.uid} home=${nobody.home} dir=/\r\n`));
  });

  it('refuses a shell that cannot start', () => {
    relay = new Relay({ shell: '/nonexistent/shell' });
    const id = relay.open();
    expect(relay.exitOf(id)).toMatchObject({ reason: 'refused', message: expect.stringMatching(/^could not start \/nonexistent\/shell/) });
  });
});

describe('frame pacer', () => {
  it('allows a burst, then frames at its rate', () => {
    let now = 0;
    const pacer = new FramePacer(10, 2, () => now);
    expect([pacer.take(), pacer.take(), pacer.take()]).toEqual([true, true, false]);
    expect(pacer.waitMs()).toBe(100);
    now = 100;
    expect(pacer.take()).toBe(true);
  });
});
