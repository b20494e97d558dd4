import type { AgentCommandResponse, AgentDockerResponse } from '@pharos/protocol/agent-ws';

export type CommandAnswer = AgentCommandResponse | AgentDockerResponse;

/** What to do with a command id that arrived. */
export type CommandTurn = { kind: 'run' } | { kind: 'running' } | { kind: 'answered'; answer: CommandAnswer };

/**
 * The command ids this agent has run, with their answers, kept for a while: a command that
 * arrives again (Pharos, or a proxy, repeating itself after a reconnect) is answered again
 * from here, never run twice. Pharos keeps only the first answer to an id, so a repeated
 * answer costs nothing.
 */
export class CommandLedger {
  private readonly running = new Set<string>();
  private readonly answered = new Map<string, { answer: CommandAnswer; at: number }>();

  constructor(
    private readonly keepMs = 60 * 60 * 1000,
    private readonly maxAnswers = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Claims a command id: `run` once, then `running` or the remembered answer. */
  begin(commandId: string): CommandTurn {
    this.forgetOld();
    const done = this.answered.get(commandId);
    if (done) return { kind: 'answered', answer: done.answer };
    if (this.running.has(commandId)) return { kind: 'running' };
    this.running.add(commandId);
    return { kind: 'run' };
  }

  finish(answer: CommandAnswer): void {
    this.running.delete(answer.command_id);
    this.answered.set(answer.command_id, { answer, at: this.now() });
    // A Map iterates in insertion order: the first entries are the oldest.
    while (this.answered.size > this.maxAnswers) this.answered.delete(this.answered.keys().next().value!);
  }

  private forgetOld(): void {
    const before = this.now() - this.keepMs;
    for (const [id, entry] of this.answered) {
      if (entry.at >= before) break;
      this.answered.delete(id);
    }
  }
}

/**
 * Answers on their way to Pharos. An answer waits here while the agent is disconnected and
 * goes out after the next authentication. An answer written shortly before a connection
 * dropped may never have been read by Pharos (written is not received), so those are sent
 * again after reconnecting; Pharos ignores an answer it already has.
 */
export class AnswerOutbox {
  private readonly waiting: CommandAnswer[] = [];
  private recent: { answer: CommandAnswer; at: number }[] = [];

  constructor(
    private readonly resendWindowMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sends now if `send` can (connected and authenticated), else keeps it for later. */
  post(answer: CommandAnswer, send: (answer: CommandAnswer) => boolean): void {
    if (this.waiting.length === 0 && send(answer)) this.wrote(answer);
    else this.waiting.push(answer);
  }

  /** The connection dropped: answers written in the last moments go out again. */
  connectionLost(): void {
    const since = this.now() - this.resendWindowMs;
    const unsure = this.recent.filter((r) => r.at >= since).map((r) => r.answer);
    this.waiting.unshift(...unsure.filter((answer) => !this.waiting.includes(answer)));
    this.recent = [];
  }

  /** After authentication: sends what waited, oldest first, while `send` can. */
  flush(send: (answer: CommandAnswer) => boolean): void {
    while (this.waiting.length > 0 && send(this.waiting[0]!)) this.wrote(this.waiting.shift()!);
  }

  get pending(): number {
    return this.waiting.length;
  }

  private wrote(answer: CommandAnswer): void {
    const at = this.now();
    this.recent = this.recent.filter((r) => r.at >= at - this.resendWindowMs);
    this.recent.push({ answer, at });
  }
}
