import { TERMINAL_DEFAULT_WINDOW_BYTES, type TerminalAgentMessage, type TerminalOpen, type TerminalServerMessage } from '@pharos/protocol/agent-ws';
import { accessSync, constants } from 'node:fs';
import type { ExecutionContext } from '../exec/execution-context';
import type { Logger } from '../log';
import { FramePacer } from './frame-pacer';
import type { SpawnPty } from './pty';
import { TerminalSession } from './terminal-session';

export interface TerminalSessionsOptions {
  /** null: the terminal is off (`--no-terminal`) or node-pty is missing; `why` says which. */
  spawnPty: SpawnPty | null;
  why?: string;
  shell: string;
  context: ExecutionContext;
  maxSessions: number;
  idleTimeoutMs: number;
  send(message: TerminalAgentMessage): void;
  log: Logger;
  pacer?: FramePacer;
}

/**
 * The agent side of the terminal extension (docs/protocols/agent-websocket.md): opens a PTY per
 * `terminal_open`, feeds it `terminal_input`, resizes it, applies `terminal_ack`s, and closes
 * it on `terminal_close`, on idle, or when the agent's connection is lost.
 */
export class TerminalSessions {
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly pacer: FramePacer;

  constructor(private readonly options: TerminalSessionsOptions) {
    this.pacer = options.pacer ?? new FramePacer();
  }

  /** Whether the agent offers the terminal (announces the `terminal` capability). */
  get available(): boolean {
    return this.options.spawnPty !== null;
  }

  get openCount(): number {
    return this.sessions.size;
  }

  handle(message: TerminalServerMessage): void {
    if (message.type === 'terminal_open') return this.open(message);
    const session = this.sessions.get(message.session_id);
    // A message for a session that just ended crossed its terminal_exit: nothing to do.
    if (!session) return;
    switch (message.type) {
      case 'terminal_input':
        return session.input(Buffer.from(message.data, 'base64'));
      case 'terminal_resize':
        return session.resize(message.cols, message.rows);
      case 'terminal_ack':
        return session.ack(message.bytes);
      case 'terminal_close':
        return session.close('closed');
    }
  }

  /** The connection is gone: every session ends, silently (there is no one to tell). */
  abandonAll(): void {
    for (const session of this.sessions.values()) session.abandon();
    if (this.sessions.size) this.options.log.info('terminal sessions ended: connection lost', { sessions: this.sessions.size });
    this.sessions.clear();
  }

  private open(message: TerminalOpen): void {
    const { session_id: id } = message;
    if (this.sessions.has(id)) return this.options.log.warn('terminal_open for a session already open ignored', { session_id: id });
    const refusal = this.refusal();
    if (refusal) return this.refuse(id, refusal);
    const { context, shell } = this.options;
    let pty;
    try {
      // node-pty reports a shell it could not exec only as output and an exit, after opening.
      accessSync(shell, constants.X_OK);
      pty = this.options.spawnPty!(shell, { cols: message.cols, rows: message.rows, cwd: context.cwd, env: { ...context.env, TERM: 'xterm-256color' }, uid: context.uid, gid: context.gid });
    } catch (error) {
      return this.refuse(id, `could not start ${shell}: ${(error as Error).message}`);
    }
    const windowBytes = message.window ?? TERMINAL_DEFAULT_WINDOW_BYTES;
    const session = new TerminalSession(id, pty, {
      windowBytes,
      idleTimeoutMs: this.options.idleTimeoutMs,
      pacer: this.pacer,
      send: this.options.send,
      ended: (ended) => this.ended(ended),
    });
    this.sessions.set(id, session);
    this.options.send({ type: 'terminal_opened', session_id: id, shell, window: windowBytes });
    this.options.log.info('terminal session opened', { session_id: id, shell, user: context.user.name, pid: pty.pid });
  }

  private refusal(): string | null {
    if (!this.options.spawnPty) return this.options.why ?? 'the terminal is not available on this agent';
    if (this.sessions.size >= this.options.maxSessions) return `too many terminal sessions (${this.sessions.size} open; --terminal-max-sessions is ${this.options.maxSessions})`;
    return null;
  }

  private refuse(id: string, why: string): void {
    this.options.log.warn('terminal session refused', { session_id: id, why });
    this.options.send({ type: 'terminal_exit', session_id: id, reason: 'refused', exit_code: null, signal: null, message: why.slice(0, 1024) });
  }

  private ended(id: string): void {
    this.sessions.delete(id);
    this.options.log.info('terminal session ended', { session_id: id });
  }
}
