import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { TerminalAgentMessage, TerminalEndReason, TerminalExit } from '@pharos/protocol';
import type { AuthenticatedUser } from '../../identity/access/authenticated-user';
import { AuditLogService } from '../../identity/audit/audit-log.service';
import { PharosConfig } from '../../platform/config/pharos-config';
import { ConflictError, ForbiddenError } from '../../platform/errors/domain-errors';
import { ServersService } from '../servers/servers.service';
import type { TerminalAgentLink, TerminalChannel } from './terminal-link';

/** What the relay hands the browser's side of a session. */
export interface TerminalBrowser {
  opened(sessionId: string, shell: string, window: number): void;
  /** Output bytes, base64 as the agent sent them (`bytes` decoded bytes). */
  output(data: string, bytes: number): void;
  /** The session is over; called once, after which nothing more comes. */
  ended(end: TerminalEnd): void;
}

export interface TerminalEnd {
  reason: TerminalEndReason;
  exitCode?: number | null;
  signal?: number | null;
  message?: string;
}

/** The largest window the protocol allows (`terminal_open.window`): what an agent's `terminal_opened` may claim. */
const MAX_WINDOW_BYTES = 16 * 1024 * 1024;

/** Bytes a padded base64 string decodes to. */
export function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return (data.length / 4) * 3 - padding;
}

/**
 * One terminal: an admin's browser socket and a PTY on the agent, through this process. Output
 * flows only as fast as the browser draws it: the agent never has more than the window sent and
 * not acknowledged, the relay acknowledges only what the browser says it consumed, and an agent
 * that sends past its window is cut off; so nothing here buffers more than a window.
 */
export class TerminalSession {
  readonly id = randomUUID();
  readonly startedAt = new Date();
  private state: 'opening' | 'open' | 'ended' = 'opening';
  /** Output bytes relayed to the browser, and those it acknowledged (forwarded to the agent). */
  private sentBytes = 0;
  private ackedBytes = 0;
  private inputBytes = 0;
  private shell?: string;
  private idleTimer?: NodeJS.Timeout;
  private openTimer?: NodeJS.Timeout;

  constructor(
    readonly user: AuthenticatedUser,
    readonly channel: TerminalChannel,
    private readonly browser: TerminalBrowser,
    private readonly relay: TerminalRelayService,
    /** The window asked for; the agent's `terminal_opened` says the one it applies. */
    private window: number,
    private readonly idleMs: number,
  ) {}

  get serverId(): string {
    return this.channel.serverId;
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  start(cols: number, rows: number, openTimeoutMs: number): void {
    this.openTimer = setTimeout(() => this.end({ reason: 'refused', message: 'The agent did not open the terminal in time' }, true), openTimeoutMs);
    this.openTimer.unref();
    this.touch();
    if (!this.channel.send({ type: 'terminal_open', session_id: this.id, cols, rows, window: this.window })) this.end({ reason: 'agent_gone' }, false);
  }

  /** Bytes typed in the browser (base64). Before the agent opened the PTY, they are dropped. */
  input(data: string): void {
    if (this.state !== 'open') return;
    this.touch();
    this.inputBytes += base64Bytes(data);
    this.channel.send({ type: 'terminal_input', session_id: this.id, data });
  }

  resize(cols: number, rows: number): void {
    if (this.state === 'ended') return;
    this.touch();
    if (this.state === 'open') this.channel.send({ type: 'terminal_resize', session_id: this.id, cols, rows });
  }

  /** The browser drew `bytes` output bytes in all: the agent may send as much more. */
  consumed(bytes: number): void {
    if (this.state !== 'open') return;
    // A browser cannot have drawn more than it was sent; a stale count changes nothing.
    const acked = Math.min(bytes, this.sentBytes);
    if (acked <= this.ackedBytes) return;
    this.ackedBytes = acked;
    this.channel.send({ type: 'terminal_ack', session_id: this.id, bytes: acked });
  }

  /** The browser went (or asked to end): the agent's PTY is closed. */
  close(): void {
    this.end({ reason: 'closed' }, true);
  }

  /** A message of the agent for this session. */
  fromAgent(message: TerminalAgentMessage): void {
    if (this.state === 'ended') return;
    switch (message.type) {
      case 'terminal_opened':
        if (this.state !== 'opening') return;
        clearTimeout(this.openTimer);
        this.state = 'open';
        this.shell = message.shell;
        this.window = Math.min(message.window, MAX_WINDOW_BYTES);
        this.browser.opened(this.id, message.shell, message.window);
        this.relay.audit(this, 'terminal.open', { sessionId: this.id, shell: message.shell });
        return;
      case 'terminal_output': {
        if (this.state !== 'open') return;
        const bytes = base64Bytes(message.data);
        this.sentBytes += bytes;
        // An agent never has more than its window unacknowledged (it stops reading the PTY).
        if (this.sentBytes - this.ackedBytes > this.window) {
          this.end({ reason: 'overrun', message: 'The agent sent more output than its window allows' }, true);
          return;
        }
        this.browser.output(message.data, bytes);
        return;
      }
      case 'terminal_exit':
        this.end(exitOf(message), false);
        return;
    }
  }

  /** Ends the session once: tells the agent (unless it said so itself), the browser, the audit log. */
  end(end: TerminalEnd, tellAgent: boolean): void {
    if (this.state === 'ended') return;
    const wasOpen = this.state === 'open';
    this.state = 'ended';
    clearTimeout(this.idleTimer);
    clearTimeout(this.openTimer);
    if (tellAgent) this.channel.send({ type: 'terminal_close', session_id: this.id });
    this.relay.forget(this);
    this.browser.ended(end);
    if (wasOpen) {
      const endedAt = new Date();
      this.relay.audit(this, 'terminal.close', {
        sessionId: this.id,
        shell: this.shell ?? null,
        startedAt: this.startedAt.toISOString(),
        endedAt: endedAt.toISOString(),
        durationMs: endedAt.getTime() - this.startedAt.getTime(),
        reason: end.reason,
        ...(end.exitCode !== undefined ? { exitCode: end.exitCode } : {}),
        inputBytes: this.inputBytes,
        outputBytes: this.sentBytes,
      });
    }
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.end({ reason: 'idle', message: `No input for ${this.idleMs / 1000} s` }, true), this.idleMs);
    this.idleTimer.unref();
  }
}

function exitOf(message: TerminalExit): TerminalEnd {
  return {
    reason: message.reason,
    ...(message.exit_code !== undefined ? { exitCode: message.exit_code } : {}),
    ...(message.signal !== undefined ? { signal: message.signal } : {}),
    ...(message.message !== undefined ? { message: message.message } : {}),
  };
}

/**
 * The terminal relay (docs/protocols/agent-websocket.md, "Terminal relay"): opens sessions on
 * servers' agents for admins, routes the agents' terminal messages to them, ends them when
 * either side goes, and writes each session to the audit log (`terminal.open` and
 * `terminal.close` with its duration). Who may open one is checked here: admins only.
 */
@Injectable()
export class TerminalRelayService implements OnModuleDestroy {
  private readonly logger = new Logger(TerminalRelayService.name);
  private readonly sessions = new Map<string, TerminalSession>();
  private link?: TerminalAgentLink;

  constructor(
    private readonly servers: ServersService,
    private readonly audits: AuditLogService,
    private readonly config: PharosConfig,
  ) {}

  /** The agent socket hands its connections over at start-up. */
  useAgentLink(link: TerminalAgentLink): void {
    this.link = link;
  }

  onModuleDestroy(): void {
    for (const session of [...this.sessions.values()]) session.end({ reason: 'agent_gone', message: 'Pharos is shutting down' }, true);
  }

  /** Opens a session on the server's agent for an admin; throws when that cannot be. */
  async open(user: AuthenticatedUser, serverId: string, size: { cols: number; rows: number }, browser: TerminalBrowser): Promise<TerminalSession> {
    if (user.role !== 'admin') throw new ForbiddenError('only admins may open a terminal');
    await this.servers.get(serverId);
    const channel = this.link?.terminalChannel(serverId) ?? 'not_connected';
    if (channel === 'not_connected') throw new ConflictError(`the agent of server ${serverId} is not connected`);
    if (channel === 'no_terminal') throw new ConflictError(`the agent of server ${serverId} does not offer a terminal`);
    const session = new TerminalSession(user, channel, browser, this, this.config.terminalWindowBytes, this.config.terminalIdleSeconds * 1000);
    this.sessions.set(session.id, session);
    session.start(size.cols, size.rows, this.config.terminalOpenTimeoutSeconds * 1000);
    return session;
  }

  /** A terminal message from an agent connection: for its own sessions only. */
  fromAgent(channel: TerminalChannel, message: TerminalAgentMessage): void {
    const session = this.sessions.get(message.session_id);
    if (session?.channel === channel) session.fromAgent(message);
  }

  /** An agent connection closed: its sessions are over (the agent ended its PTYs). */
  agentGone(channel: TerminalChannel): void {
    for (const session of [...this.sessions.values()]) {
      if (session.channel === channel) session.end({ reason: 'agent_gone', message: 'The agent disconnected' }, false);
    }
  }

  /** Sessions open now (for tests, diagnostics and the `terminals` socket gauge). */
  openSessions(): number {
    return this.sessions.size;
  }

  forget(session: TerminalSession): void {
    this.sessions.delete(session.id);
  }

  audit(session: TerminalSession, action: 'terminal.open' | 'terminal.close', data: Record<string, string | number | null>): void {
    this.audits
      .record({ id: session.user.id, username: session.user.username }, action, { type: 'server', id: session.serverId }, data)
      .catch((error: unknown) => this.logger.error({ err: error, sessionId: session.id }, 'could not write a terminal session to the audit log'));
  }
}
