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
import { INT32_MAX } from './limits';
import { compileValidator } from './validation';

export const AGENT_WS_PATH = '/api/v1/agents/ws';

/** How often an agent sends `metrics` (docs/protocols/agent-websocket.md: "every 5 s"). */
export const AGENT_METRICS_INTERVAL_SECONDS = 5;

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
  /**
   * Not in the seed: the protocol extensions the agent speaks (`AGENT_CAPABILITIES`). Pharos
   * sends an extension's messages only to an agent that announced it; unknown names are
   * allowed, for agents newer than Pharos.
   */
  capabilities: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 32 })),
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
  /** Stored in an `integer` column. */
  process_count: Type.Optional(Type.Number({ minimum: 0, maximum: INT32_MAX })),
  uptime_seconds: Type.Optional(FiniteNumber),
});
export type AgentMetricsMessage = Static<typeof AgentMetricsMessage>;

/**
 * Not in the seed: what the agent of this repository (apps/agent) adds to `metrics`. Pharos
 * does not read these yet; they are named here so that it can, and so that they stay the same.
 */
export const AgentMetricsDetails = Type.Object({
  cpu_count: Type.Optional(Type.Integer({ minimum: 0 })),
  memory_total_bytes: Type.Optional(FiniteNumber),
  memory_used_bytes: Type.Optional(FiniteNumber),
  swap_total_bytes: Type.Optional(FiniteNumber),
  swap_used_bytes: Type.Optional(FiniteNumber),
  /** All block devices together; counters since boot, rates over the last interval. */
  disk_io: Type.Optional(
    Type.Object({
      read_bytes: FiniteNumber,
      write_bytes: FiniteNumber,
      read_bytes_per_sec: Type.Optional(FiniteNumber),
      write_bytes_per_sec: Type.Optional(FiniteNumber),
      read_ops: Type.Optional(FiniteNumber),
      write_ops: Type.Optional(FiniteNumber),
    }),
  ),
  /** Sensors that could be read (`cpu`, `cpu_core_0`, …, `chipset`), in °C. */
  temperatures: Type.Optional(Type.Array(Type.Object({ sensor: Type.String({ maxLength: 64 }), celsius: FiniteNumber }), { maxItems: 256 })),
});
export const DetailedAgentMetrics = Type.Composite([AgentMetricsMessage, AgentMetricsDetails]);
export type DetailedAgentMetrics = Static<typeof DetailedAgentMetrics>;

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

export type AgentServerMessage = AgentAuthSuccess | AgentCommand | AgentDockerCommand | AgentError | AgentPong | TerminalServerMessage;

// ---------------------------------------------------------------- Pharos → agent, as an agent validates it

/*
 * The schemas of what Pharos sends, for agents to check at their edge (Pharos builds these
 * messages from the interfaces above). An agent is lenient the other way round too: extra
 * fields are ignored, and a `docker_command` with an action it does not know is answered
 * (`success: false`), not refused, so the action list can grow on the server first.
 */

export const PharosAuthSuccess = Type.Object({
  type: Type.Literal('auth_success'),
  server_id: Type.String({ maxLength: 64 }),
  message: Type.Optional(Type.String()),
});
export type PharosAuthSuccess = Static<typeof PharosAuthSuccess>;

export const PharosCommand = Type.Object({
  type: Type.Literal('command'),
  command_id: Uuid,
  command: Type.String(),
});
export type PharosCommand = Static<typeof PharosCommand>;

export const PharosDockerCommand = Type.Object({
  type: Type.Literal('docker_command'),
  command_id: Uuid,
  /** `DOCKER_ACTIONS`, or `logs` for an agent that announced `docker_logs`. */
  action: Type.String({ maxLength: 32 }),
  container_id: Type.String({ maxLength: 256 }),
  /** `logs` only: how many of the last lines (the agent's default when absent). */
  tail: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
});
export type PharosDockerCommand = Static<typeof PharosDockerCommand>;

export const PharosError = Type.Object({ type: Type.Literal('error'), message: Type.String() });
export type PharosError = Static<typeof PharosError>;

export const PharosPong = Type.Object({ type: Type.Literal('pong') });
export type PharosPong = Static<typeof PharosPong>;

// ---------------------------------------------------------------- extensions, announced in `auth.capabilities`

/**
 * The extensions an agent may announce in `auth.capabilities`
 * (docs/protocols/agent-websocket.md, "Extensions"):
 * - `terminal`: PTY sessions on the host, streamed with flow control (the `terminal_*` messages);
 * - `docker_logs`: the `logs` action of `docker_command`, answered with the container's last
 *   lines as the `docker_response` message.
 */
export const AGENT_CAPABILITIES = ['terminal', 'docker_logs'] as const;
export type AgentCapability = (typeof AGENT_CAPABILITIES)[number];

/** The `docker_command` action of the `docker_logs` extension. */
export const DOCKER_LOGS_ACTION = 'logs';

/** Terminal sizes in character cells. */
const Cells = Type.Integer({ minimum: 1, maximum: 1000 });
/** Bytes of terminal input or output, base64 (RFC 4648, padded): a PTY carries bytes, not text. */
export const TERMINAL_MAX_CHUNK_BYTES = 64 * 1024;
const Base64Chunk = Type.String({ maxLength: Math.ceil(TERMINAL_MAX_CHUNK_BYTES / 3) * 4, pattern: '^[A-Za-z0-9+/]*={0,2}$' });
/** A terminal session: named by Pharos when it opens one, unique per agent connection. */
const SessionId = Uuid;

/** The unacknowledged output an agent allows a session when `terminal_open` names none. */
export const TERMINAL_DEFAULT_WINDOW_BYTES = 256 * 1024;

/** Pharos → agent: open a PTY running the agent's shell, `cols` × `rows` cells. */
export const TerminalOpen = Type.Object({
  type: Type.Literal('terminal_open'),
  session_id: SessionId,
  cols: Cells,
  rows: Cells,
  /** Flow-control window: unacknowledged output bytes before the agent stops reading the PTY. */
  window: Type.Optional(Type.Integer({ minimum: 4096, maximum: 16 * 1024 * 1024 })),
});
export type TerminalOpen = Static<typeof TerminalOpen>;

/** Pharos → agent: bytes typed (or pasted) into the session. */
export const TerminalInput = Type.Object({ type: Type.Literal('terminal_input'), session_id: SessionId, data: Base64Chunk });
export type TerminalInput = Static<typeof TerminalInput>;

export const TerminalResize = Type.Object({ type: Type.Literal('terminal_resize'), session_id: SessionId, cols: Cells, rows: Cells });
export type TerminalResize = Static<typeof TerminalResize>;

/**
 * Pharos → agent: the browser has consumed `bytes` output bytes of the session in all
 * (cumulative, so a repeated or reordered ack is harmless).
 */
export const TerminalAck = Type.Object({
  type: Type.Literal('terminal_ack'),
  session_id: SessionId,
  bytes: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
});
export type TerminalAck = Static<typeof TerminalAck>;

/** Pharos → agent: end the session (the browser closed it); the agent answers `terminal_exit`. */
export const TerminalClose = Type.Object({ type: Type.Literal('terminal_close'), session_id: SessionId });
export type TerminalClose = Static<typeof TerminalClose>;

/** Agent → Pharos: the PTY runs; `window` is the flow-control window the agent applies. */
export const TerminalOpened = Type.Object({ type: Type.Literal('terminal_opened'), session_id: SessionId, shell: Type.String({ maxLength: 1024 }), window: Type.Integer({ minimum: 1 }) });
export type TerminalOpened = Static<typeof TerminalOpened>;

/** Agent → Pharos: output of the session, in order, never more than the window unacknowledged. */
export const TerminalOutput = Type.Object({ type: Type.Literal('terminal_output'), session_id: SessionId, data: Base64Chunk });
export type TerminalOutput = Static<typeof TerminalOutput>;

/**
 * Why a session ended: its shell `exited`; Pharos asked (`closed`); no input for the agent's
 * idle timeout (`idle`); or it could not be opened (`refused`, with `message`).
 */
export const TERMINAL_EXIT_REASONS = ['exited', 'closed', 'idle', 'refused'] as const;
export type TerminalExitReason = (typeof TERMINAL_EXIT_REASONS)[number];

/** Agent → Pharos: the session is over; its id is not used again. Sent once per session. */
export const TerminalExit = Type.Object({
  type: Type.Literal('terminal_exit'),
  session_id: SessionId,
  reason: Type.Union(TERMINAL_EXIT_REASONS.map((r) => Type.Literal(r))),
  exit_code: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  signal: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  message: Type.Optional(Type.String({ maxLength: 1024 })),
});
export type TerminalExit = Static<typeof TerminalExit>;

export type TerminalServerMessage = TerminalOpen | TerminalInput | TerminalResize | TerminalAck | TerminalClose;
export type TerminalAgentMessage = TerminalOpened | TerminalOutput | TerminalExit;

/** Every message an agent may receive, told apart by `type`: the seed's and the extensions'. */
export const pharosMessageValidators = {
  auth_success: compileValidator(PharosAuthSuccess),
  command: compileValidator(PharosCommand),
  docker_command: compileValidator(PharosDockerCommand),
  error: compileValidator(PharosError),
  pong: compileValidator(PharosPong),
  terminal_open: compileValidator(TerminalOpen),
  terminal_input: compileValidator(TerminalInput),
  terminal_resize: compileValidator(TerminalResize),
  terminal_ack: compileValidator(TerminalAck),
  terminal_close: compileValidator(TerminalClose),
} as const;
export type PharosMessageType = keyof typeof pharosMessageValidators;
export type PharosMessage = PharosAuthSuccess | PharosCommand | PharosDockerCommand | PharosError | PharosPong | TerminalServerMessage;

/** The terminal extension's agent → Pharos messages, told apart by `type` (for the relay). */
export const terminalAgentMessageValidators = {
  terminal_opened: compileValidator(TerminalOpened),
  terminal_output: compileValidator(TerminalOutput),
  terminal_exit: compileValidator(TerminalExit),
} as const;
