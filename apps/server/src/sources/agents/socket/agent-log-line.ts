import { type AgentLogMessage, cutText, type LogLevel } from '@pharos/protocol';
import type { NewLogEntry } from '../../../fleet/event-log/event-log.service';
import { parseAgentTime } from './agent-metrics';

/** Longest agent log line kept; the rest is cut (the event log is for people, not bulk logs). */
export const MAX_AGENT_LOG_LINE = 4096;

const LEVELS: Record<string, LogLevel> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  information: 'INFO',
  notice: 'INFO',
  warn: 'WARN',
  warning: 'WARN',
  error: 'ERROR',
  err: 'ERROR',
  critical: 'ERROR',
  crit: 'ERROR',
  fatal: 'ERROR',
};

/** An agent's `log` line as an entry of its server's event log. */
export function toAgentLogEntry(message: AgentLogMessage, receivedAt: Date): NewLogEntry {
  const { level, timestamp } = message.data;
  const text = message.data.message;
  return {
    level: LEVELS[(level ?? 'info').trim().toLowerCase()] ?? 'INFO',
    kind: 'agent.log',
    message: text.length > MAX_AGENT_LOG_LINE ? `${cutText(text, MAX_AGENT_LOG_LINE)}…` : text,
    // An unreadable agent time is not worth refusing the line for.
    at: parseAgentTime(timestamp) ?? receivedAt,
  };
}
