/**
 * The agent WebSocket (docs/protocols/agent-websocket.md): `/api/v1/agents/ws`. An agent authenticates with its API
 * key in the first message, then sends `metrics` every few seconds, answers `command` and
 * `docker_command` with `command_response` / `docker_response`, and may send `log` lines.
 *
 * Agents are not ours: what an agent sends is validated leniently (unknown fields are kept and
 * ignored, `disk_usage` and `network` elements are objects of unspecified shape); what Pharos
 * sends follows the seed to the letter.
 */
import { type Static, Type } from '@sinclair/typebox';
import { compileValidator } from './validation';

export const AGENT_WS_PATH = '/api/v1/agents/ws';

/** The `message` texts of the seed's `error` replies, and the others Pharos sends. */
export const AgentErrorText = {
  InvalidApiKey: 'Invalid or inactive API key',
  InvalidMessage: 'Invalid message format',
  AuthRequired: 'Authentication required: send {"type":"auth","api_key":"…"} first',
  AuthTimeout: 'Authentication timeout',
  /** Sent (with close code 4001, as for a wrong key) to an address with too many failed keys. */
  AuthThrottled: 'Too many failed authentication attempts from this address; try again later',
  TooManyMessages: 'Too many messages',
  MessageTooLarge: 'Message too large',
  Replaced: 'Replaced by a newer connection for this server',
  HeartbeatTimeout: 'Heartbeat timeout',
  KeyRevoked: 'API key revoked',
  ShuttingDown: 'Pharos is shutting down',
} as const;

/** WebSocket close codes of the agent socket (4000-4999 are the application's). */
export const AgentCloseCode = {
  /** Missing, unknown or revoked API key, no auth in time, or too many failed keys from the address. */
  Unauthorized: 4001,
  /** The key was revoked, or its server removed, during the session. */
  KeyRevoked: 4003,
  /** No traffic (not even a pong) within the heartbeat timeout. */
  HeartbeatTimeout: 4008,
  /** Another connection authenticated for the same server; this one is superseded. */
  Replaced: 4009,
  /** Messages came faster than the rate cap allows. */
  TooManyMessages: 4029,
  /** A message over the size cap (the standard "message too big"). */
  MessageTooLarge: 1009,
  /** Pharos is shutting down: reconnect later. */
  GoingAway: 1001,
} as const;

/** Docker actions Pharos may ask an agent to run on a container (`POST /api/v1/servers/:id/docker-commands` takes one as `action`). */
export const DOCKER_ACTIONS = ['start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'remove'] as const;
export type DockerAction = (typeof DOCKER_ACTIONS)[number];

const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });
const FiniteNumber = Type.Number();

// ---------------------------------------------------------------- agent → Pharos

export const AgentAuthMessage = Type.Object({
  type: Type.Literal('auth'),
  api_key: Type.String({ minLength: 1, maxLength: 512 }),
  /** Not in the seed; an agent that says who it is gets it shown on its server. */
  agent_version: Type.Optional(Type.String({ maxLength: 64 })),
  version: Type.Optional(Type.String({ maxLength: 64 })),
  hostname: Type.Optional(Type.String({ maxLength: 255 })),
});
export type AgentAuthMessage = Static<typeof AgentAuthMessage>;
export const agentAuthMessage = compileValidator(AgentAuthMessage);

/**
 * A disk or network element: the seed leaves its shape open, so anything is taken here and the
 * server reads the objects it recognises (see apps/server/src/agents/agent-metrics.ts).
 */
const OpenElement = Type.Unknown();

export const AgentMetricsMessage = Type.Object({
  type: Type.Literal('metrics'),
  /** The seed's agents echo the id they were given; Pharos trusts the key, not this field. */
  server_id: Type.Optional(Type.String()),
  cpu_percent: FiniteNumber,
  memory_percent: FiniteNumber,
  disk_usage: Type.Optional(Type.Array(OpenElement, { maxItems: 256 })),
  network: Type.Optional(Type.Array(OpenElement, { maxItems: 256 })),
  /** RFC 3339; without a zone it is taken as UTC. Missing → the time Pharos received it. */
  timestamp: Type.Optional(Type.String({ maxLength: 64 })),
  swap_percent: Type.Optional(FiniteNumber),
  load1: Type.Optional(FiniteNumber),
  load5: Type.Optional(FiniteNumber),
  load15: Type.Optional(FiniteNumber),
  process_count: Type.Optional(FiniteNumber),
  uptime_seconds: Type.Optional(FiniteNumber),
});
export type AgentMetricsMessage = Static<typeof AgentMetricsMessage>;

export const AgentCommandResponse = Type.Object({
  type: Type.Literal('command_response'),
  command_id: Uuid,
  output: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  exit_code: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  duration_ms: Type.Optional(Type.Union([FiniteNumber, Type.Null()])),
  /** Not in the seed; some agents say why a command could not run. */
  error: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type AgentCommandResponse = Static<typeof AgentCommandResponse>;

export const AgentDockerResponse = Type.Object({
  type: Type.Literal('docker_response'),
  command_id: Uuid,
  success: Type.Boolean(),
  message: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type AgentDockerResponse = Static<typeof AgentDockerResponse>;

/** A log line of the agent, `{"type":"log","data":{"level","message","timestamp"}}`. */
export const AgentLogMessage = Type.Object({
  type: Type.Literal('log'),
  data: Type.Object({
    /** Any case; `warning`, `fatal`, `critical`, `trace` are mapped to the four levels. */
    level: Type.Optional(Type.String({ maxLength: 16 })),
    message: Type.String(),
    timestamp: Type.Optional(Type.String({ maxLength: 64 })),
  }),
});
export type AgentLogMessage = Static<typeof AgentLogMessage>;

/** Application-level heartbeat some agents send besides (or instead of) WebSocket pings. */
export const AgentPingMessage = Type.Object({ type: Type.Union([Type.Literal('ping'), Type.Literal('pong'), Type.Literal('heartbeat')]) });
export type AgentPingMessage = Static<typeof AgentPingMessage>;

/** Every message an authenticated agent may send, told apart by `type`. */
export const agentMessageValidators = {
  metrics: compileValidator(AgentMetricsMessage),
  command_response: compileValidator(AgentCommandResponse),
  docker_response: compileValidator(AgentDockerResponse),
  log: compileValidator(AgentLogMessage),
  ping: compileValidator(AgentPingMessage),
  pong: compileValidator(AgentPingMessage),
  heartbeat: compileValidator(AgentPingMessage),
} as const;
export type AgentMessageType = keyof typeof agentMessageValidators;

export type AgentClientMessage =
  | AgentAuthMessage
  | AgentMetricsMessage
  | AgentCommandResponse
  | AgentDockerResponse
  | AgentLogMessage
  | AgentPingMessage;

// ---------------------------------------------------------------- Pharos → agent

export interface AgentAuthSuccess {
  type: 'auth_success';
  server_id: string;
  message: 'Connected successfully';
}

export interface AgentCommand {
  type: 'command';
  command_id: string;
  command: string;
}

export interface AgentDockerCommand {
  type: 'docker_command';
  command_id: string;
  action: DockerAction;
  container_id: string;
}

export interface AgentError {
  type: 'error';
  message: string;
}

/** The answer to an application-level `ping`. */
export interface AgentPong {
  type: 'pong';
}

export type AgentServerMessage = AgentAuthSuccess | AgentCommand | AgentDockerCommand | AgentError | AgentPong;
