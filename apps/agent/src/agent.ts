import type { AgentCapability, PharosCommand, PharosDockerCommand, PharosMessage } from '@pharos/protocol/agent-ws';
import { type CommandAnswer, AnswerOutbox, CommandLedger } from './commands/command-ledger';
import { runShellCommand, stopRunningCommands } from './commands/shell-command';
import type { AgentConfig } from './config/agent-config';
import { AgentConnection } from './connection/agent-connection';
import { Backoff } from './connection/backoff';
import { runDockerAction } from './docker/docker-actions';
import { DockerEngine } from './docker/docker-engine';
import type { ExecutionContext } from './exec/execution-context';
import type { Logger } from './log';
import { type HostReadings, readHost, toMetricsMessage } from './metrics/host-metrics';
import type { SpawnPty } from './terminal/pty';
import { TerminalSessions } from './terminal/terminal-sessions';
import { version } from '../package.json';

export const AGENT_VERSION: string = version;

export interface AgentParts {
  config: AgentConfig;
  log: Logger;
  context: ExecutionContext;
  /** node-pty's spawn, or why there is none. */
  pty: SpawnPty | { unavailable: string };
  /** Certificates to trust for wss://, the system's included (from --ca-file). */
  ca?: string[];
  readHost?: () => Promise<HostReadings>;
  /** Connection timings (tests shorten them). */
  connection?: { heartbeatIntervalMs?: number; heartbeatTimeoutMs?: number; authTimeoutMs?: number };
}

/**
 * The agent: one connection to Pharos, over which it sends metrics at its interval and answers
 * commands, Docker actions and terminal sessions. Each command id runs once (`CommandLedger`);
 * answers wait in the `AnswerOutbox` while Pharos cannot be reached.
 */
export class Agent {
  readonly connection: AgentConnection;
  private readonly ledger = new CommandLedger();
  private readonly outbox = new AnswerOutbox();
  private readonly docker: DockerEngine;
  private readonly terminals: TerminalSessions;
  private metricsTimer?: NodeJS.Timeout;
  private sampling = false;

  constructor(private readonly parts: AgentParts) {
    const { config, log } = parts;
    this.docker = new DockerEngine(config.docker.socketPath);
    const pty = config.terminal.enabled && typeof parts.pty === 'function' ? parts.pty : null;
    this.terminals = new TerminalSessions({
      spawnPty: pty,
      why: !config.terminal.enabled ? 'the terminal is disabled on this agent (--no-terminal)' : typeof parts.pty === 'function' ? undefined : parts.pty.unavailable,
      shell: config.terminal.shell,
      context: parts.context,
      maxSessions: config.terminal.maxSessions,
      idleTimeoutMs: config.terminal.idleTimeoutMs,
      send: (message) => void this.connection.send(message),
      log,
    });
    this.connection = new AgentConnection({
      url: config.url,
      hello: { api_key: config.apiKey, agent_version: AGENT_VERSION, hostname: config.hostname, capabilities: this.capabilities() },
      ca: parts.ca,
      userAgent: `pharos-agent/${AGENT_VERSION}`,
      backoff: new Backoff(config.reconnect.minMs, config.reconnect.maxMs),
      log,
      handlers: { ready: () => this.ready(), message: (message) => this.received(message), lost: () => this.lost() },
      ...parts.connection,
    });
  }

  /** The extensions this agent speaks, announced in `auth`. */
  capabilities(): AgentCapability[] {
    return [...(this.terminals.available ? (['terminal'] as const) : []), ...(this.parts.config.docker.enabled ? (['docker_logs'] as const) : [])];
  }

  start(): void {
    this.connection.start();
  }

  async stop(): Promise<void> {
    clearInterval(this.metricsTimer);
    this.terminals.abandonAll();
    stopRunningCommands();
    await this.connection.stop();
  }

  private ready(): void {
    this.outbox.flush((answer) => this.connection.send(answer));
    void this.sendMetrics();
    clearInterval(this.metricsTimer);
    this.metricsTimer = setInterval(() => void this.sendMetrics(), this.parts.config.metricsIntervalMs);
  }

  private lost(): void {
    clearInterval(this.metricsTimer);
    this.outbox.connectionLost();
    this.terminals.abandonAll();
  }

  private received(message: Exclude<PharosMessage, { type: 'auth_success' }>): void {
    switch (message.type) {
      case 'command':
        return void this.answerOnce(message.command_id, () => this.runCommand(message));
      case 'docker_command':
        return void this.answerOnce(message.command_id, () => this.runDocker(message));
      case 'error':
        return this.parts.log.warn('Pharos said', { message: message.message });
      case 'pong':
        return;
      default:
        this.terminals.handle(message);
    }
  }

  /** Runs a command id once; a repeated id gets the remembered answer again. */
  private async answerOnce(commandId: string, run: () => Promise<CommandAnswer>): Promise<void> {
    const turn = this.ledger.begin(commandId);
    if (turn.kind === 'running') return;
    if (turn.kind === 'answered') {
      this.parts.log.info('command already answered: answer sent again', { command_id: commandId });
      return this.outbox.post(turn.answer, (answer) => this.connection.send(answer));
    }
    const answer = await run();
    this.ledger.finish(answer);
    this.outbox.post(answer, (a) => this.connection.send(a));
  }

  private async runCommand(command: PharosCommand): Promise<CommandAnswer> {
    const { config, log, context } = this.parts;
    const base = { type: 'command_response' as const, command_id: command.command_id };
    if (!config.commands.enabled) {
      log.warn('command refused: commands are disabled', { command_id: command.command_id });
      return { ...base, output: '', exit_code: null, duration_ms: 0, error: 'shell commands are disabled on this agent (--no-commands)' };
    }
    log.info('running command', { command_id: command.command_id, user: context.user.name, command: command.command.slice(0, 500) });
    const result = await runShellCommand(command.command, { shell: config.commands.shell, timeoutMs: config.commands.timeoutMs, outputCapBytes: config.outputCapBytes, context });
    log.info('command finished', { command_id: command.command_id, exit_code: result.exit_code, duration_ms: result.duration_ms, error: result.error });
    return { ...base, ...result };
  }

  private async runDocker(command: PharosDockerCommand): Promise<CommandAnswer> {
    const { config, log } = this.parts;
    const base = { type: 'docker_response' as const, command_id: command.command_id };
    if (!config.docker.enabled) {
      log.warn('Docker action refused: Docker actions are disabled', { command_id: command.command_id });
      return { ...base, success: false, message: 'Docker actions are disabled on this agent (--no-docker)' };
    }
    log.info('running Docker action', { command_id: command.command_id, action: command.action, container: command.container_id });
    const result = await runDockerAction(this.docker, command.action, command.container_id, { tail: command.tail, outputCapBytes: config.outputCapBytes });
    log.info('Docker action finished', { command_id: command.command_id, success: result.success, message: result.message.slice(0, 200) });
    return { ...base, ...result };
  }

  private async sendMetrics(): Promise<void> {
    // A slow host (a hung NFS mount under df) must not pile samples up.
    if (this.sampling || !this.connection.ready) return;
    this.sampling = true;
    try {
      const readings = await (this.parts.readHost ?? readHost)();
      const message = toMetricsMessage(readings, new Date(), this.parts.config.hostRoot);
      this.connection.send({ ...message, server_id: this.connection.serverId ?? undefined });
    } catch (error) {
      this.parts.log.warn('could not read the host\'s metrics', { error: (error as Error).message });
    } finally {
      this.sampling = false;
    }
  }
}
