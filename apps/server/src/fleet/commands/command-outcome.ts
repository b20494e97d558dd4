import type { Command, CommandState } from '@pharos/database';
import { type AgentCommandResponse, type AgentDockerResponse, cutText, type LogLevel } from '@pharos/protocol';

/** Output kept in the event log entry of a result; the full output stays on the command. */
export const LOG_OUTPUT_LIMIT = 16 * 1024;

export interface CommandResult {
  state: Extract<CommandState, 'completed' | 'failed'>;
  output?: string | null;
  exitCode?: number | null;
  durationMs?: number | null;
  success?: boolean;
  message?: string | null;
}

/**
 * A shell command that ran and exited 0 is completed; any other exit code, or none (the agent
 * could not run it), is failed. The result is kept either way.
 */
export function shellResult(response: AgentCommandResponse): CommandResult {
  const exitCode = response.exit_code ?? null;
  return {
    state: exitCode === 0 ? 'completed' : 'failed',
    output: response.output ?? '',
    exitCode,
    durationMs: response.duration_ms === undefined || response.duration_ms === null ? null : Math.max(0, Math.round(response.duration_ms)),
    message: response.error ?? null,
  };
}

export function dockerResult(response: AgentDockerResponse): CommandResult {
  return { state: response.success ? 'completed' : 'failed', success: response.success, message: response.message ?? null };
}

/** How a command reads in one line of its server's event log. */
export function describeCommand(command: Pick<Command, 'kind' | 'command' | 'containerId'>): string {
  return command.kind === 'docker' ? `Docker ${command.command} of container ${command.containerId}` : `Command \`${oneLine(command.command)}\``;
}

/** The event log entry of a result: what happened, how bad, and the details. */
export function describeResult(
  command: Pick<Command, 'id' | 'kind' | 'command' | 'containerId'>,
  result: CommandResult,
): { level: LogLevel; kind: string; message: string; data: Record<string, unknown> } {
  const what = describeCommand(command);
  const prefix = command.kind === 'docker' ? 'docker' : 'command';
  const level: LogLevel = result.state === 'completed' ? 'INFO' : 'WARN';
  if (command.kind === 'docker') {
    const verdict = result.success ? 'succeeded' : 'failed';
    return {
      level,
      kind: `${prefix}.${result.state}`,
      message: `${what} ${verdict}${result.message ? `: ${result.message}` : ''}`,
      data: { commandId: command.id, action: command.command, containerId: command.containerId, success: result.success, message: result.message },
    };
  }
  const took = result.durationMs !== null && result.durationMs !== undefined ? ` in ${result.durationMs} ms` : '';
  const verdict = result.exitCode === null || result.exitCode === undefined ? `could not run${result.message ? `: ${result.message}` : ''}` : `exited with ${result.exitCode}${took}`;
  const output = result.output ?? '';
  return {
    level,
    kind: `${prefix}.${result.state}`,
    message: `${what} ${verdict}`,
    data: {
      commandId: command.id,
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      output: cutText(output, LOG_OUTPUT_LIMIT),
      ...(output.length > LOG_OUTPUT_LIMIT ? { outputTruncated: true } : {}),
    },
  };
}

function oneLine(text: string): string {
  const line = text.replace(/\s*\n\s*/g, ' ⏎ ');
  return line.length > 200 ? `${cutText(line, 200)}…` : line;
}
