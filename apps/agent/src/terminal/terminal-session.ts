import { TERMINAL_MAX_CHUNK_BYTES, type TerminalAgentMessage, type TerminalExitReason } from '@pharos/protocol/agent-ws';
import type { FramePacer } from './frame-pacer';
import type { PtyProcess } from './pty';

export interface TerminalSessionOptions {
  /** Unacknowledged output bytes allowed before the PTY stops being read. */
  windowBytes: number;
  idleTimeoutMs: number;
  pacer: FramePacer;
  send(message: TerminalAgentMessage): void;
  /** Called once, after `terminal_exit` was sent. */
  ended(sessionId: string): void;
}

/** After `terminal_close`, how long the shell has to go after SIGHUP before SIGKILL. */
const HANGUP_GRACE_MS = 2000;

/**
 * One PTY streamed to Pharos. Output is sent in order, in frames of at most 64 KiB, paced, and
 * never with more than the window unacknowledged: past it the PTY is paused (the program
 * blocks on its writes) until `terminal_ack` says the browser drained enough. Input and
 * resizes count as activity; none for the idle timeout closes the session.
 */
export class TerminalSession {
  private sent = 0;
  private acked = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private paused = false;
  private flushTimer?: NodeJS.Timeout;
  private idleTimer?: NodeJS.Timeout;
  private killTimer?: NodeJS.Timeout;
  private exit?: { exitCode: number | null; signal: number | null };
  /** Set when the agent (not the shell) ends the session. */
  private endReason?: Extract<TerminalExitReason, 'closed' | 'idle'>;
  private finished = false;

  constructor(
    readonly id: string,
    private readonly pty: PtyProcess,
    private readonly options: TerminalSessionOptions,
  ) {
    pty.onData((data) => this.output(data));
    pty.onExit(({ exitCode, signal }) => this.exited(exitCode, signal ?? null));
    this.touch();
  }

  /** Output bytes sent and not acknowledged yet. */
  get unacknowledged(): number {
    return this.sent - this.acked;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  input(data: Buffer): void {
    if (this.closing) return;
    this.touch();
    this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.closing) return;
    this.touch();
    this.pty.resize(cols, rows);
  }

  /** `bytes` consumed in all; a stale (smaller) count changes nothing. */
  ack(bytes: number): void {
    this.acked = Math.min(Math.max(this.acked, bytes), this.sent);
    this.flush();
  }

  /** Ends the session: output not sent yet is dropped, the shell is hung up on. */
  close(reason: 'closed' | 'idle'): void {
    if (this.closing) return;
    this.endReason = reason;
    this.pending = [];
    this.pendingBytes = 0;
    clearTimeout(this.idleTimer);
    clearTimeout(this.flushTimer);
    // The shell is gone already, only its output was waiting: nothing to hang up on.
    if (this.exit) return this.finish();
    // A paused PTY would never report its exit.
    this.pty.resume();
    this.signal('SIGHUP');
    this.killTimer = setTimeout(() => {
      this.signal('SIGKILL');
      // Not even SIGKILL was reported (a zombie's parent): end it here all the same.
      this.killTimer = setTimeout(() => this.finish(), HANGUP_GRACE_MS);
    }, HANGUP_GRACE_MS);
  }

  /** The agent's connection is gone: nothing can be sent any more, the shell goes. */
  abandon(): void {
    this.finished = true;
    this.clearTimers();
    this.pty.resume();
    this.signal('SIGKILL');
  }

  private get closing(): boolean {
    return this.endReason !== undefined || this.finished;
  }

  private output(data: Buffer): void {
    if (this.closing) return;
    this.pending.push(data);
    this.pendingBytes += data.length;
    this.flush();
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    while (this.pendingBytes > 0 && this.room > 0) {
      if (!this.options.pacer.take()) {
        this.flushTimer = setTimeout(() => this.flush(), this.options.pacer.waitMs());
        break;
      }
      this.sendFrame(Math.min(this.room, TERMINAL_MAX_CHUNK_BYTES));
    }
    this.applyBackPressure();
    if (this.pendingBytes === 0 && this.exit) this.finish();
  }

  private get room(): number {
    return this.options.windowBytes - this.unacknowledged;
  }

  private sendFrame(maxBytes: number): void {
    const all = Buffer.concat(this.pending);
    const frame = all.subarray(0, maxBytes);
    const rest = all.subarray(frame.length);
    this.pending = rest.length ? [rest] : [];
    this.pendingBytes = rest.length;
    this.sent += frame.length;
    this.options.send({ type: 'terminal_output', session_id: this.id, data: frame.toString('base64') });
  }

  /** Reads the PTY only while the window has room for what is already waiting. */
  private applyBackPressure(): void {
    const full = this.unacknowledged + this.pendingBytes >= this.options.windowBytes;
    if (full === this.paused || this.finished) return;
    this.paused = full;
    if (full) this.pty.pause();
    else this.pty.resume();
  }

  private exited(exitCode: number, signal: number | null): void {
    this.exit = { exitCode: signal ? null : exitCode, signal: signal || null };
    // The last output goes out first (when the window lets it); then terminal_exit.
    if (this.endReason || this.pendingBytes === 0) this.finish();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimers();
    this.options.send({
      type: 'terminal_exit',
      session_id: this.id,
      reason: this.endReason ?? 'exited',
      exit_code: this.exit?.exitCode ?? null,
      signal: this.exit?.signal ?? null,
    });
    this.options.ended(this.id);
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close('idle'), this.options.idleTimeoutMs);
  }

  private signal(signal: string): void {
    try {
      this.pty.kill(signal);
    } catch {
      // Already gone.
    }
  }

  private clearTimers(): void {
    clearTimeout(this.flushTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.killTimer);
  }
}
