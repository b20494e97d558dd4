import { Injectable } from '@nestjs/common';
import { type Command, type CommandKind, type CommandState, type Prisma, PrismaService } from '@pharos/database';
import type { DbTransaction } from '../../platform/database/transactions';
import type { CommandResult } from './command-outcome';

/** A command as it is stored when requested (`pending`). */
export interface CommandToStore {
  serverId: string;
  kind: CommandKind;
  /** shell: the command line; docker: the action. */
  command: string;
  containerId: string | null;
  requestedBy: string;
  expiresAt: Date;
}

export interface CommandQuery {
  kind?: CommandKind;
  state?: CommandState;
  limit: number;
  offset: number;
}

/** What a command keeps of how it ended (its answer, or why there was none). */
export type CommandEnding = Omit<CommandResult, 'state'>;

/**
 * The commands' SQL. Every change of state is conditional on the state it leaves, so it happens
 * once, whoever gets there first (an answer, a duplicate, the expiry sweep, a second delivery).
 */
/**
 * Retention: a batch of finished commands (completed, failed, timed out) that finished before
 * $1 (or, never sent, were requested before it), at most $2.
 */
const DELETE_FINISHED_BEFORE_SQL = `DELETE FROM "Command" WHERE "id" IN (
    SELECT "id" FROM "Command"
     WHERE "state" IN ('completed', 'failed', 'timed_out') AND COALESCE("completedAt", "requestedAt") < $1::timestamptz
     LIMIT $2)`;

@Injectable()
export class CommandStore {
  constructor(private readonly prisma: PrismaService) {}

  /** At most `limit` finished commands that finished before `cutoff` (waiting ones stay); returns how many went. */
  deleteFinishedBefore(cutoff: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(DELETE_FINISHED_BEFORE_SQL, cutoff.toISOString(), limit);
  }

  create(command: CommandToStore, tx: DbTransaction): Promise<Command> {
    return tx.command.create({ data: command });
  }

  find(id: string): Promise<Command | null> {
    return this.prisma.command.findUnique({ where: { id } });
  }

  /** The server's command of that kind with this id, if any (an agent's answer names it). */
  findOfServer(id: string, serverId: string, kind: CommandKind): Promise<Command | null> {
    return this.prisma.command.findFirst({ where: { id, serverId, kind } });
  }

  /** A server's commands, newest first. */
  async list(serverId: string, query: CommandQuery): Promise<{ items: Command[]; total: number }> {
    const where: Prisma.CommandWhereInput = { serverId, ...(query.kind ? { kind: query.kind } : {}), ...(query.state ? { state: query.state } : {}) };
    const [items, total] = await Promise.all([
      this.prisma.command.findMany({ where, orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }], take: query.limit, skip: query.offset }),
      this.prisma.command.count({ where }),
    ]);
    return { items, total };
  }

  /** The server's pending commands not expired at `now`, oldest first. */
  pending(serverId: string, now: Date, take: number): Promise<Command[]> {
    return this.prisma.command.findMany({
      where: { serverId, state: 'pending', expiresAt: { gt: now } },
      orderBy: { requestedAt: 'asc' },
      take,
    });
  }

  /** Commands in one of `states` whose time ran out by `now`. */
  expired(states: CommandState[], now: Date, take: number): Promise<Command[]> {
    return this.prisma.command.findMany({ where: { state: { in: states }, expiresAt: { lte: now } }, take });
  }

  /** Moves a command from one of `from` to its final state; false when it was in none of them. */
  async end(id: string, from: CommandState[], state: CommandState, ending: CommandEnding, completedAt: Date): Promise<boolean> {
    const claimed = await this.prisma.command.updateMany({ where: { id, state: { in: from } }, data: { ...ending, state, completedAt } });
    return claimed.count > 0;
  }

  /** Marks a pending, unexpired command sent, with the deadline of its answer; false when it was not pending. */
  async markSent(id: string, now: Date, answerBy: Date): Promise<boolean> {
    const claimed = await this.prisma.command.updateMany({
      where: { id, state: 'pending', expiresAt: { gt: now } },
      data: { state: 'sent', sentAt: now, expiresAt: answerBy },
    });
    return claimed.count > 0;
  }

  /** Makes a command sent at `sentAt` pending again, with its earlier expiry. */
  async unsend(id: string, sentAt: Date, expiresAt: Date): Promise<void> {
    await this.prisma.command.updateMany({
      where: { id, state: 'sent', sentAt },
      data: { state: 'pending', sentAt: null, expiresAt },
    });
  }
}
