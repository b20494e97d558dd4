/**
 * The browsers' live WebSockets (docs/protocols/agent-websocket.md): `/api/v1/ws/metrics/{server_id}` and
 * `/api/v1/ws/logs/{server_id}`. The first client message authenticates with the admin's JWT
 * access token; then Pharos pushes `metrics`, `log` and `alert` messages.
 */
import { type Static, Type } from '@sinclair/typebox';
import { compileValidator } from './validation';

export const FRONTEND_METRICS_WS_PATH = '/api/v1/ws/metrics/:serverId';
export const FRONTEND_LOGS_WS_PATH = '/api/v1/ws/logs/:serverId';
/** An admin's terminal on a server's host, relayed to its agent (`?cols=&rows=` give the size). */
export const FRONTEND_TERMINAL_WS_PATH = '/api/v1/ws/terminal/:serverId';

/** WebSocket close codes Pharos uses on the browser sockets (4000-4999 are the application's). */
export const FrontendCloseCode = {
  /** Authentication failed or did not come in time. */
  Unauthorized: 4001,
  /** The user may not see this subject, or it does not exist. */
  Forbidden: 4003,
  /** The access token expired during the session: reconnect with a fresh one. */
  TokenExpired: 4401,
  /** Too many sockets for this user. */
  TooManyConnections: 4429,
  /** Pharos is shutting down. */
  GoingAway: 1001,
} as const;

export const FrontendAuthMessage = Type.Object({
  type: Type.Literal('auth'),
  token: Type.String({ minLength: 1 }),
});
export type FrontendAuthMessage = Static<typeof FrontendAuthMessage>;
export const frontendAuthMessage = compileValidator(FrontendAuthMessage);

export const LogLevel = Type.Union([Type.Literal('DEBUG'), Type.Literal('INFO'), Type.Literal('WARN'), Type.Literal('ERROR')]);
export type LogLevel = Static<typeof LogLevel>;

/**
 * One entry of a subject's event stream, as the logs socket sends it and as
 * `GET /api/v1/servers/:id/events` lists them (`List<LogEntryData>`, newest first).
 */
export const LogEntryData = Type.Object({
  level: LogLevel,
  message: Type.String(),
  timestamp: Type.String(),
  /** Pharos's additions: the entry's id (ascending), its machine kind and details. */
  id: Type.Optional(Type.String()),
  kind: Type.Optional(Type.String()),
  data: Type.Optional(Type.Unknown()),
});
export type LogEntryData = Static<typeof LogEntryData>;

export interface FrontendLogMessage {
  type: 'log';
  data: LogEntryData;
}

/** A disk as the live views show it. */
export const LiveDiskUsage = Type.Object({
  mountpoint: Type.String(),
  device: Type.Optional(Type.String()),
  total_bytes: Type.Optional(Type.Number()),
  used_bytes: Type.Optional(Type.Number()),
  percent: Type.Number(),
});
export type LiveDiskUsage = Static<typeof LiveDiskUsage>;

/** A network interface as the live views show it. */
export const LiveNetworkInterface = Type.Object({
  interface: Type.String(),
  rx_bytes_per_sec: Type.Optional(Type.Number()),
  tx_bytes_per_sec: Type.Optional(Type.Number()),
  rx_bytes: Type.Optional(Type.Number()),
  tx_bytes: Type.Optional(Type.Number()),
});
export type LiveNetworkInterface = Static<typeof LiveNetworkInterface>;

/**
 * One metrics sample of a server, whichever source sent it (agent or Ithiltir node), in the
 * seed's vocabulary (`cpu_percent`, `memory_percent`, `disk_usage`, `network`) plus the series
 * a richer source provides.
 */
export const LiveMetricsData = Type.Object({
  server_id: Type.String(),
  source: Type.Union([Type.Literal('agent'), Type.Literal('ithiltir'), Type.Literal('lightd')]),
  timestamp: Type.String(),
  cpu_percent: Type.Number(),
  memory_percent: Type.Number(),
  swap_percent: Type.Optional(Type.Number()),
  disk_percent: Type.Optional(Type.Number()),
  load1: Type.Optional(Type.Number()),
  load5: Type.Optional(Type.Number()),
  load15: Type.Optional(Type.Number()),
  net_rx_bytes_per_sec: Type.Optional(Type.Number()),
  net_tx_bytes_per_sec: Type.Optional(Type.Number()),
  disk_read_bytes_per_sec: Type.Optional(Type.Number()),
  disk_write_bytes_per_sec: Type.Optional(Type.Number()),
  tcp_count: Type.Optional(Type.Number()),
  udp_count: Type.Optional(Type.Number()),
  process_count: Type.Optional(Type.Number()),
  max_temp_c: Type.Optional(Type.Number()),
  uptime_seconds: Type.Optional(Type.Number()),
  disk_usage: Type.Array(LiveDiskUsage),
  network: Type.Array(LiveNetworkInterface),
});
export type LiveMetricsData = Static<typeof LiveMetricsData>;

export interface FrontendMetricsMessage {
  type: 'metrics';
  data: LiveMetricsData;
}

export interface AlertData {
  /** The incident: the same id when it fires and when it resolves. */
  id: string;
  server_id: string;
  /** The rule's name. */
  rule: string;
  rule_id?: string;
  /** `threshold`, or the built-in condition (`server_offline`, `raid_degraded`, `disk_full`…). */
  kind?: string;
  /** What of the server is failing (`raid:md0`, `disk:nvme0n1`, `fs:/`, `container:mc-1`); absent for the whole server. */
  subject?: string;
  /** The series the rule watches, by its live field name (`cpu_percent`). */
  metric?: string;
  severity: 'warning' | 'critical';
  message: string;
  value?: number;
  threshold?: number;
  state: 'firing' | 'resolved';
  timestamp: string;
}

export interface FrontendAlertMessage {
  type: 'alert';
  data: AlertData;
}

export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type FrontendServerMessage =
  | FrontendMetricsMessage
  | FrontendLogMessage
  | FrontendAlertMessage
  | ErrorMessage;

// ---------------------------------------------------------------- the terminal socket

/*
 * `/api/v1/ws/terminal/{server_id}?cols=&rows=` (docs/protocols/agent-websocket.md, "Terminal
 * relay"): after `auth`, Pharos opens a session on the server's agent and answers `opened`;
 * output comes as `output` (base64 bytes), and the browser acknowledges what it has drawn with
 * `ack` (bytes in all), which is what lets the agent send more. Data is base64 both ways, at most
 * 64 KiB of bytes a message, as on the agent socket.
 */

const TerminalCells = Type.Integer({ minimum: 1, maximum: 1000 });
const TerminalBase64 = Type.String({ maxLength: Math.ceil((64 * 1024) / 3) * 4, pattern: '^[A-Za-z0-9+/]*={0,2}$' });

/** Browser → Pharos: bytes typed or pasted. */
export const BrowserTerminalInput = Type.Object({ type: Type.Literal('input'), data: TerminalBase64 });
/** Browser → Pharos: the terminal's new size. */
export const BrowserTerminalResize = Type.Object({ type: Type.Literal('resize'), cols: TerminalCells, rows: TerminalCells });
/** Browser → Pharos: output bytes drawn so far, in all (cumulative). */
export const BrowserTerminalAck = Type.Object({ type: Type.Literal('ack'), bytes: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) });
/** Browser → Pharos: a fresh access token before the one the socket was opened with expires. */
export const BrowserTerminalToken = Type.Object({ type: Type.Literal('token'), token: Type.String({ minLength: 1, maxLength: 4096 }) });
export const BrowserTerminalPing = Type.Object({ type: Type.Literal('ping') });
/** Browser → Pharos: end the session (closing the socket does too). */
export const BrowserTerminalClose = Type.Object({ type: Type.Literal('close') });

export const browserTerminalValidators = {
  input: compileValidator(BrowserTerminalInput),
  resize: compileValidator(BrowserTerminalResize),
  ack: compileValidator(BrowserTerminalAck),
  token: compileValidator(BrowserTerminalToken),
  ping: compileValidator(BrowserTerminalPing),
  close: compileValidator(BrowserTerminalClose),
} as const;
export type BrowserTerminalMessage =
  | Static<typeof BrowserTerminalInput>
  | Static<typeof BrowserTerminalResize>
  | Static<typeof BrowserTerminalAck>
  | Static<typeof BrowserTerminalToken>
  | Static<typeof BrowserTerminalPing>
  | Static<typeof BrowserTerminalClose>;

/** Why a terminal ended, as the browser is told: the agent's reasons and the relay's own. */
export type TerminalEndReason = 'exited' | 'closed' | 'idle' | 'refused' | 'agent_gone' | 'overrun';

/** Pharos → browser messages of the terminal socket. */
export type TerminalSocketMessage =
  | { type: 'opened'; session_id: string; shell: string; window: number }
  | { type: 'output'; data: string }
  | { type: 'exit'; reason: TerminalEndReason; exit_code?: number | null; signal?: number | null; message?: string }
  | { type: 'token_ok'; expires_at: string }
  | { type: 'pong' }
  | ErrorMessage;
