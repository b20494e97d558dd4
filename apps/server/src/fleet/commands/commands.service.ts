import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Command, CommandKind, CommandState, Prisma } from '@pharos/database';
import type { AgentCommand, AgentCommandResponse, AgentDockerCommand, AgentDockerResponse, CommandView, DockerAction, LogLevel } from '@pharos/protocol';
import { PharosConfig } from '../../platform/config/pharos-config';
import { Transactions } from '../../platform/database/transactions';
import { JobLeases } from '../../platform/cluster/job-leases';
import type { PeriodicTask } from '../../platform/runtime/periodic-task';
import { ConflictError, NotFoundError } from '../../platform/errors/domain-errors';
import { FleetEventBus } from '../../platform/events/fleet-event-bus';
import { type AuditActor, AuditLogService } from '../../identity/audit/audit-log.service';
import { EventLogService } from '../event-log/event-log.service';
import { isUuid } from '../../platform/http/uuid';
import { reporterOf, ServersService } from '../servers/servers.service';
import type { AgentLink } from './agent-link';
import { type CommandResult, describeCommand, describeResult, dockerResult, shellResult } from './command-outcome';
import { type CommandEnding, type CommandQuery, CommandStore } from './command.store';

export type { CommandQuery, CommandView };

export function toCommandView(c: Command): CommandView {
  return {
    id: c.id,
    serverId: c.serverId,
    kind: c.kind,
    command: c.kind === 'shell' ? c.command : null,
    action: c.kind === 'docker' ? c.command : null,
    containerId: c.containerId,
    state: c.state,
    requestedById: c.requestedBy,
    requestedAt: c.requestedAt.toISOString(),
    expiresAt: c.expiresAt.toISOString(),
    sentAt: c.sentAt?.toISOString() ?? null,
    completedAt: c.completedAt?.toISOString() ?? null,
    output: c.output,
    exitCode: c.exitCode,
    durationMs: c.durationMs,
    success: c.success,
    message: c.message,
  };
}

export type NewCommand = { kind: 'shell'; command: string } | { kind: 'docker'; action: DockerAction; containerId: string };

const UNFINISHED: CommandState[] = ['pending', 'sent'];

/**
 * Shell commands and Docker actions an admin sends to a server's agent. A command is stored
 * (with its audit entry) before anything is sent; it is then `pending` until delivered, `sent`
 * until the agent answers, and `completed`, `failed` or `timed_out` for good. A command for an
 * offline agent waits until it reconnects or the command expires; each is delivered at most
 * once, and only the first answer for a command id counts.
 */
@Injectable()
export class CommandsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CommandsService.name);
  private sweepTask?: PeriodicTask;
  private stopListening?: () => void;
  private sweeping = false;
  /** Set by the agent socket at start-up; until then every command waits. */
  private agents: AgentLink | null = null;

  constructor(
    private readonly store: CommandStore,
    private readonly transactions: Transactions,
    private readonly servers: ServersService,
    private readonly eventLog: EventLogService,
    private readonly audit: AuditLogService,
    private readonly config: PharosConfig,
    private readonly jobs: JobLeases,
    private readonly bus: FleetEventBus,
  ) {}

  onModuleInit(): void {
    // One instance of a cluster times commands out; each is ended once whoever does it.
    this.sweepTask = this.jobs.every('command-expiry', this.config.commandSweepSeconds * 1000, () => this.sweep(), () => undefined);
    // A command queued on another instance for an agent connected here: delivered at once.
    this.stopListening = this.bus.subscribeAll('command.queued', (_, serverId) => {
      if (!this.agents?.holds(serverId)) return;
      this.deliverPending(serverId).catch((error: unknown) => this.logger.error({ err: error, serverId }, 'could not deliver queued commands'));
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopListening?.();
    await this.sweepTask?.stop();
  }

  /** Stores, audits and (when its agent is connected) sends a command. Answered ⇒ committed. */
  async create(serverId: string, input: NewCommand, actor: AuditActor, expiresInSeconds?: number): Promise<CommandView> {
    const server = await this.servers.get(serverId);
    if (server.source !== 'agent') throw new ConflictError(`server ${serverId} is reported by ${reporterOf(server.source)}, which takes no commands`);
    if (!server.commandsEnabled) throw new ConflictError(`command execution is disabled for server ${serverId}`);
    const expiresAt = new Date(Date.now() + (expiresInSeconds ?? this.config.commandExpirySeconds) * 1000);
    const online = this.agents?.holds(serverId) ?? false;
    const data =
      input.kind === 'shell'
        ? { kind: 'shell' as const, command: input.command, containerId: null }
        : { kind: 'docker' as const, command: input.action, containerId: input.containerId };
    const { command, entry } = await this.transactions.run(async (tx) => {
      const created = await this.store.create({ serverId, ...data, requestedBy: actor.id, expiresAt }, tx);
      await this.audit.record(
        actor,
        input.kind === 'shell' ? 'command.run' : 'command.docker',
        { type: 'server', id: serverId },
        { commandId: created.id, ...(input.kind === 'shell' ? { command: input.command } : { action: input.action, containerId: input.containerId }) },
        tx,
      );
      const logged = await this.eventLog.append(
        'server',
        serverId,
        {
          kind: `${input.kind === 'shell' ? 'command' : 'docker'}.requested`,
          message: `${actor.username} requested ${describeCommand(created)}${online ? '' : ` (agent offline: queued until ${expiresAt.toISOString()})`}`,
          data: { commandId: created.id, requestedBy: actor.username },
        },
        tx,
      );
      return { command: created, entry: logged };
    });
    this.eventLog.publishCommitted(serverId, [entry]);
    // Not connected here: the instance that holds the agent (if one does) delivers it.
    if (!(await this.deliver(command))) this.bus.publish('command.queued', serverId, {});
    return this.get(command.id);
  }

  async get(id: string): Promise<CommandView> {
    const command = isUuid(id) ? await this.store.find(id) : null;
    if (!command) throw new NotFoundError(`command ${id} not found`);
    if (UNFINISHED.includes(command.state) && command.expiresAt <= new Date()) {
      await this.timeOut(command);
      return this.get(id);
    }
    return toCommandView(command);
  }

  /** A server's commands, newest first. */
  async list(serverId: string, query: CommandQuery): Promise<{ items: CommandView[]; total: number }> {
    await this.servers.get(serverId);
    const { items, total } = await this.store.list(serverId, query);
    return { items: items.map(toCommandView), total };
  }

  /** How commands reach agents: called once by the agent socket when it starts. */
  useAgentLink(link: AgentLink): void {
    this.agents = link;
  }

  /** Sends the commands that waited for this server's agent, oldest first (it just connected). */
  async deliverPending(serverId: string): Promise<void> {
    const server = await this.servers.find(serverId);
    if (!server) return;
    for (;;) {
      const batch = await this.store.pending(serverId, new Date(), 50);
      let progressed = false;
      for (const command of batch) {
        if (!server.commandsEnabled) {
          progressed = (await this.abandon(command, ['pending'], 'failed', 'command execution was disabled for this server')) || progressed;
          continue;
        }
        if (!(await this.deliver(command))) return; // the agent went away again: the rest waits
        progressed = true;
      }
      if (batch.length < 50 || !progressed) return;
    }
  }

  /** The agent's answer to a shell command; false when it was ignored (unknown, duplicate, late). */
  recordShellResult(serverId: string, response: AgentCommandResponse): Promise<boolean> {
    return this.recordResult(serverId, response.command_id, 'shell', shellResult(response));
  }

  recordDockerResult(serverId: string, response: AgentDockerResponse): Promise<boolean> {
    return this.recordResult(serverId, response.command_id, 'docker', dockerResult(response));
  }

  /** Marks overdue commands timed out. Runs every few seconds; returns how many it ended. */
  async sweep(now = new Date()): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    try {
      const overdue = await this.store.expired(UNFINISHED, now, 500);
      let ended = 0;
      for (const command of overdue) if (await this.timeOut(command)) ended++;
      return ended;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not time out overdue commands');
      return 0;
    } finally {
      this.sweeping = false;
    }
  }

  private async recordResult(serverId: string, commandId: string, kind: CommandKind, result: CommandResult): Promise<boolean> {
    const command = await this.store.findOfServer(commandId, serverId, kind);
    if (!command) {
      this.logger.debug({ serverId, commandId }, 'answer for an unknown command ignored');
      return false;
    }
    const { state, ...fields } = result;
    const recorded = await this.end(command, UNFINISHED, state, fields, describeResult(command, result));
    if (!recorded) this.logger.debug({ serverId, commandId, state: command.state }, 'repeated or late answer ignored');
    return recorded;
  }

  /** Ends a command without an answer from its agent (expired, or refused before sending). */
  private abandon(command: Command, from: CommandState[], state: 'failed' | 'timed_out', reason: string): Promise<boolean> {
    const prefix = command.kind === 'docker' ? 'docker' : 'command';
    return this.end(command, from, state, { message: reason }, {
      level: 'WARN',
      kind: `${prefix}.${state}`,
      message: `${describeCommand(command)} ${state === 'timed_out' ? 'timed out' : 'failed'}: ${reason}`,
      data: { commandId: command.id },
    });
  }

  /**
   * Moves a command from one of `from` to its final state and logs it. The state condition makes
   * it happen once, whoever gets there first (an answer, a duplicate, the expiry sweep).
   */
  private async end(
    command: Command,
    from: CommandState[],
    state: CommandState,
    fields: CommandEnding,
    entry: { level: LogLevel; kind: string; message: string; data: Record<string, unknown> },
  ): Promise<boolean> {
    const completedAt = new Date();
    if (!(await this.store.end(command.id, from, state, fields, completedAt))) return false;
    await this.eventLog.record('server', command.serverId, { ...entry, data: entry.data as Prisma.InputJsonValue, at: completedAt });
    // A failed command is a one-shot alert condition (the opt-in "command failed" rule).
    if (state === 'failed' || state === 'timed_out') {
      this.bus.publish('condition', command.serverId, { kind: 'command_failed', subject: `command:${command.id}`, failing: true, detail: entry.message, value: fields.exitCode ?? 0 });
    }
    return true;
  }

  private timeOut(command: Command): Promise<boolean> {
    const reason = command.state === 'pending' ? 'the agent did not connect before the command expired' : 'the agent did not answer in time';
    return this.abandon(command, [command.state], 'timed_out', reason);
  }

  /** Sends one pending command if its agent is connected here; true when it was sent. */
  private async deliver(command: Command): Promise<boolean> {
    if (!this.agents?.holds(command.serverId)) return false;
    const now = new Date();
    const answerBy = new Date(now.getTime() + this.config.commandResponseTimeoutSeconds * 1000);
    if (!(await this.store.markSent(command.id, now, answerBy))) return true; // already sent (or ended) by someone else
    const message: AgentCommand | AgentDockerCommand =
      command.kind === 'shell'
        ? { type: 'command', command_id: command.id, command: command.command }
        : { type: 'docker_command', command_id: command.id, action: command.command as DockerAction, container_id: command.containerId ?? '' };
    if (this.agents.send(command.serverId, message)) return true;
    // The socket closed between the check and the send: the command waits again.
    await this.store.unsend(command.id, now, command.expiresAt);
    return false;
  }
}
