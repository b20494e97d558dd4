/**
 * Lightd's wire formats, as Lightd v2's own code sends and serves them (Pkg-lat/Lightdv2
 * 221cad0; docs/protocols/lightd-remote.md, which wins over the seed documents 000–002):
 *
 * - the remote sync Lightd speaks to Pharos over HTTP (`GET /health`, `POST /update`,
 *   `GET|POST /config`, each with `Authorization: Bearer lightd_<hex>`);
 * - Lightd's own API that Pharos calls: `POST /auth/tokens` (socket tokens) and
 *   `GET /containers/{id}/status`;
 * - the container WebSocket Lightd serves (`ws://<daemon>/ws/<internal_id>?token=<minted>`),
 *   which Pharos opens for admins: v2's `{"event","args":[…]}` frames, the seed documents'
 *   `{"event","data"}` form tolerated;
 * - the browser side of Pharos's console proxy, which relays Lightd's container events and
 *   adds a few messages of its own (tagged `type`, where Lightd's are tagged `event`).
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { LIGHTD_OTHER_EVENT_MAX_LENGTH, LIGHTD_UPDATE_DATA_MAX_LENGTH, LIGHTD_UPDATE_ERROR_MAX_LENGTH, truncateText } from './limits';
import { compileValidator, describeWireError, type Validated, type WireError } from './validation';

// ------------------------------------------------------------------ remote sync (Lightd → Pharos)

/** Where the receiver is served besides the root (`{url}/health` with `url` = Pharos + this). */
export const LIGHTD_REMOTE_PREFIX = '/api/lightd';

/** Lightd's tokens start with this; Pharos issues `lightd_` + 32 lowercase hex digits. */
export const LIGHTD_TOKEN_PREFIX = 'lightd_';

/** The only answer to `GET /health` Lightd counts as healthy. */
export const LightdHealthAnswer = Type.Object({ status: Type.Literal(200), endpoint: Type.Literal('active') });
export type LightdHealthAnswer = Static<typeof LightdHealthAnswer>;
export const LIGHTD_HEALTH_ANSWER: LightdHealthAnswer = { status: 200, endpoint: 'active' };

/** The answer to `POST /update` and `POST /config` (Lightd needs a 2xx; the seed's remote sends this). */
export const LightdAcceptedAnswer = Type.Object({ success: Type.Literal(true) });
export type LightdAcceptedAnswer = Static<typeof LightdAcceptedAnswer>;
export const LIGHTD_ACCEPTED_ANSWER: LightdAcceptedAnswer = { success: true };

export const LIGHTD_CONTAINER_STATUSES = ['installing', 'ready', 'failed'] as const;
export const LightdContainerStatus = Type.Union(LIGHTD_CONTAINER_STATUSES.map((s) => Type.Literal(s)));
export type LightdContainerStatus = Static<typeof LightdContainerStatus>;

/** A container's `internal_id` on its daemon. */
const InternalId = Type.String({ minLength: 1, maxLength: 255 });

/**
 * `event: "update"`. Lightd serialises a tagged enum and omits absent fields, so a status
 * update carries `status` only and an error update `error` (and `data` when it has details).
 */
export const LightdUpdateEvent = Type.Object({
  event: Type.Literal('update'),
  server: InternalId,
  status: Type.Optional(LightdContainerStatus),
  error: Type.Optional(Type.String()),
  data: Type.Optional(Type.String()),
});
export type LightdUpdateEvent = Static<typeof LightdUpdateEvent>;

/** The status form: `{"event":"update","server":"<id>","status":"installing"}`. */
export type LightdStatusUpdate = { event: 'update'; server: string; status: LightdContainerStatus };
/** The error form: `{"event":"update","server":"<id>","error":"failed","data":"<details>"}`. */
export type LightdErrorUpdate = { event: 'update'; server: string; error: string; data?: string };

/** `event: "billing"` (newer Lightd builds): a container's usage over a period. */
export const LightdBillingEvent = Type.Object({
  event: Type.Literal('billing'),
  server: InternalId,
  memory_gb: Type.Number(),
  cpu_vcpus: Type.Number(),
  storage_gb: Type.Number(),
  egress_gb: Type.Number(),
  duration_hours: Type.Number(),
  estimated_cost: Type.Number(),
  /** Unix seconds. */
  timestamp: Type.Integer({ minimum: 0 }),
});
export type LightdBillingEvent = Static<typeof LightdBillingEvent>;

/** Any other event kind a newer Lightd may send: kept as it came. */
export const LightdOtherEvent = Type.Object({
  event: Type.String({ minLength: 1, maxLength: 64 }),
  server: Type.Optional(InternalId),
});
export type LightdOtherEvent = Static<typeof LightdOtherEvent> & Record<string, unknown>;

/**
 * Every shape `decodeLightdRemoteEvent` accepts, for the API documents (OpenAPI, AsyncAPI): an
 * update with a status, an update with an error, billing, or another event kind.
 */
export const LightdRemoteEventBody = Type.Union([
  Type.Composite([Type.Omit(LightdUpdateEvent, ['status']), Type.Object({ status: LightdContainerStatus })]),
  Type.Composite([Type.Omit(LightdUpdateEvent, ['error']), Type.Object({ error: Type.String() })]),
  LightdBillingEvent,
  LightdOtherEvent,
]);

/** What a `POST /update` body turned out to be. */
export type LightdRemoteEvent =
  | { kind: 'update'; body: LightdUpdateEvent }
  | { kind: 'billing'; body: LightdBillingEvent }
  | { kind: 'other'; body: LightdOtherEvent };

const updateEvent = compileValidator(LightdUpdateEvent);
const billingEvent = compileValidator(LightdBillingEvent);
const otherEvent = compileValidator(LightdOtherEvent);

/**
 * Decodes a `POST /update` body, naming the offending field when it is not one of the
 * documented shapes. Unknown event kinds are accepted (they are stored as they came).
 */
export function decodeLightdRemoteEvent(body: unknown): Validated<LightdRemoteEvent> {
  if (!isObject(body)) return invalid('(root)', 'must be a JSON object');
  if (typeof body.event !== 'string' || body.event === '') return invalid('event', 'must be a non-empty string');
  switch (body.event) {
    case 'update': {
      if ('status' in body && !(LIGHTD_CONTAINER_STATUSES as readonly unknown[]).includes(body.status)) {
        return invalid('status', `must be one of ${LIGHTD_CONTAINER_STATUSES.join(', ')}`);
      }
      if (!('status' in body) && !('error' in body)) {
        return invalid('status', 'an update needs "status" (installing, ready, failed) or "error"');
      }
      return tagged('update', updateEvent.validate(body), clipUpdate);
    }
    case 'billing':
      return tagged('billing', billingEvent.validate(body));
    default:
      return tagged('other', otherEvent.validate(body), clipOther);
  }
}

/** The `remote` section of a Lightd `config.json`, as Pharos hands it to an admin. */
export interface LightdRemoteSettings {
  enabled: boolean;
  url: string;
  token: string;
}

/** `POST /config`: Lightd's whole current configuration (any JSON object). */
export const LightdConfigReport = Type.Record(Type.String(), Type.Unknown());
export type LightdConfigReport = Static<typeof LightdConfigReport>;
export const lightdConfigReport = compileValidator(LightdConfigReport);

/**
 * `GET /config`: what the remote wants the daemon to know. Pharos pushes no configuration
 * yet, so it answers an empty object; the type stays open for when it does.
 */
export type LightdRemoteConfig = Record<string, unknown>;

// ------------------------------------------------------------------ Lightd's own API (Pharos calls it)

/**
 * Lightd's REST routes want this in `Accept`: its middleware looks for the case-sensitive
 * substring `Application/vnd.pkglat` (v2 `src/auth/middleware.rs`), else 400 "Invalid vendor".
 */
export const LIGHTD_VENDOR_ACCEPT = 'Application/vnd.pkglatv1+json';

/**
 * `POST {apiUrl}/auth/tokens`: mints the token a container socket accepts (v2
 * `src/router/auth.rs`). Unauthenticated in v2 HEAD; Pharos sends the master token and the
 * vendor `Accept` anyway. `ttl`: `"30s"`, `"15m"`, `"1h"` or bare seconds (`"7d"` is refused).
 */
export const LIGHTD_TOKEN_MINT_PATH = '/auth/tokens';

export interface LightdTokenRequest {
  ttl: string;
  /** `true` deletes the token at connect: the socket then closes at its first outbound message. */
  remove_on_use: boolean;
}

/** 200 `{"token":"lightd_<32 hex>"}` (no `expires_at`, whatever the docs say). */
export const LightdTokenReply = Type.Object({ token: Type.String({ minLength: 1, maxLength: 1024 }) });
export type LightdTokenReply = Static<typeof LightdTokenReply>;
export const lightdTokenReply = compileValidator(LightdTokenReply);

/** `GET {apiUrl}/containers/{internal_id}/status` (REST auth: master token + vendor `Accept`). */
export const lightdContainerStatusPath = (internalId: string) => `/containers/${encodeURIComponent(internalId)}/status`;

/** Its 200 answer: Lightd's own record of the install (`install_state`: ready, installing, failed). */
export const LightdInstallStatusReply = Type.Object({
  internal_id: Type.String({ maxLength: 255 }),
  install_state: Type.String({ minLength: 1, maxLength: 64 }),
  is_installing: Type.Boolean(),
  container_id: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
  is_healthy: Type.Optional(Type.Boolean()),
  corruption_issue: Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Null()])),
});
export type LightdInstallStatusReply = Static<typeof LightdInstallStatusReply>;
export const lightdInstallStatusReply = compileValidator(LightdInstallStatusReply);

// ------------------------------------------------------------------ container WebSocket (Lightd serves)

/** Lightd's container socket: `ws://<daemon>/ws/<internal_id>?token=<a minted token>`. */
export const LIGHTD_CONTAINER_WS_PATH = '/ws/:internalId';

/**
 * A `stats` frame's `args[0]`, parsed: Lightd v2 sends its `ContainerStats` as JSON *text*
 * (`src/websocket/event_hub.rs`). `cpu_absolute`: percent, 100 = one core; memory and network
 * in bytes (network summed over interfaces, cumulative); `uptime` seconds since Lightd saw the
 * container start; `state`: offline, starting, running, stopping; `disk_bytes` always 0.
 */
export const LightdContainerStats = Type.Object({
  memory_bytes: Type.Number({ minimum: 0 }),
  memory_limit_bytes: Type.Number({ minimum: 0 }),
  cpu_absolute: Type.Number(),
  network: Type.Object({ rx_bytes: Type.Number({ minimum: 0 }), tx_bytes: Type.Number({ minimum: 0 }) }),
  uptime: Type.Number({ minimum: 0 }),
  state: Type.String({ maxLength: 64 }),
  disk_bytes: Type.Number({ minimum: 0 }),
});
export type LightdContainerStats = Static<typeof LightdContainerStats>;
const containerStats = compileValidator(LightdContainerStats);

/**
 * The container's stats as the browser gets them: the fields the seed documents named (from
 * v2: `cpu_usage` = `cpu_absolute`, `memory_usage` = `memory_bytes`, `memory_limit` =
 * `memory_limit_bytes`, `network_rx|tx` = `network.rx_bytes|tx_bytes`; v2 reports no block
 * I/O, so `block_read|write` are 0) and, from v2, the decoded `ContainerStats` whole.
 */
export const LightdStatsEvent = Type.Object({
  event: Type.Literal('stats'),
  cpu_usage: Type.Number(),
  memory_usage: Type.Number(),
  memory_limit: Type.Number(),
  network_rx: Type.Number(),
  network_tx: Type.Number(),
  block_read: Type.Number(),
  block_write: Type.Number(),
  stats: Type.Optional(LightdContainerStats),
});
export type LightdStatsEvent = Static<typeof LightdStatsEvent>;

/** Console output as the browser gets it: text ending in `\n` (one line per v2 frame). */
export const LightdConsoleEvent = Type.Object({ event: Type.Literal('console'), data: Type.String() });
export type LightdConsoleEvent = Static<typeof LightdConsoleEvent>;

/** The seed documents' form of a repeated chunk (no Lightd sends it; v2 sends a count, see below). */
export const LightdConsoleDuplicateEvent = Type.Object({ event: Type.Literal('console duplicate'), data: Type.String() });
export type LightdConsoleDuplicateEvent = Static<typeof LightdConsoleDuplicateEvent>;

/** The container states Lightd names; `running` means the server's ready pattern matched. */
export const LIGHTD_CONTAINER_STATES = ['installing', 'installed', 'starting', 'running', 'stopping', 'exit'] as const;
export type LightdContainerState = (typeof LIGHTD_CONTAINER_STATES)[number];

/** A state change (`data` is one of `LIGHTD_CONTAINER_STATES`; a newer state passes through). */
export const LightdStateEvent = Type.Object({ event: Type.Literal('event'), data: Type.String() });
export type LightdStateEvent = Static<typeof LightdStateEvent>;

/** "Container started", "Server started", "Container stopped", "Container restarted", "Error: …". */
export const LightdDaemonMessageEvent = Type.Object({ event: Type.Literal('daemon_message'), data: Type.String() });
export type LightdDaemonMessageEvent = Static<typeof LightdDaemonMessageEvent>;

/** Historical lines joined by `\n`: the answer to `request_logs`. */
export const LightdLogsEvent = Type.Object({ event: Type.Literal('logs'), data: Type.String() });
export type LightdLogsEvent = Static<typeof LightdLogsEvent>;

/** The container events in the seed documents' form (`data` fields), which the browser also gets. */
export const LightdContainerEvent = Type.Union([
  LightdStatsEvent,
  LightdConsoleEvent,
  LightdConsoleDuplicateEvent,
  LightdStateEvent,
  LightdDaemonMessageEvent,
  LightdLogsEvent,
]);
export type LightdContainerEvent = Static<typeof LightdContainerEvent>;
const seedEventSchemas: Record<LightdContainerEvent['event'], TSchema> = {
  stats: LightdStatsEvent,
  console: LightdConsoleEvent,
  'console duplicate': LightdConsoleDuplicateEvent,
  event: LightdStateEvent,
  daemon_message: LightdDaemonMessageEvent,
  logs: LightdLogsEvent,
};
const seedEventValidators = Object.fromEntries(
  Object.entries(seedEventSchemas).map(([event, schema]) => [event, compileValidator(schema)]),
) as Record<string, ReturnType<typeof compileValidator>>;

/**
 * What Lightd v2 sends: its `OutboundEvent`, serde `tag = "event", content = "args"`, `args`
 * always an array of strings: `console output` [line], `console duplicate` [running count],
 * `stats` [JSON text], `event` [state], `daemon_message` [text], `logs` [line, …].
 */
export const LightdArgsFrame = Type.Object({ event: Type.String({ minLength: 1, maxLength: 64 }), args: Type.Array(Type.String()) });
export type LightdArgsFrame = Static<typeof LightdArgsFrame>;
const argsFrame = compileValidator(LightdArgsFrame);

/** One frame of Lightd's container socket, whichever form it came in, as Pharos reads it. */
export type LightdSocketFrame =
  /** A console line (v2 `console output`), or a chunk of one or more lines (seed `console`). */
  | { kind: 'line'; text: string }
  /** v2 `console duplicate`: the previous line again; `count` is how many times it has come by now (≥ 2). */
  | { kind: 'repeat'; count: number }
  /** The seed form of `console duplicate` (the same chunk again, kept for compatibility). */
  | { kind: 'twin' }
  | { kind: 'stats'; event: LightdStatsEvent }
  | { kind: 'state'; state: string }
  | { kind: 'daemon_message'; text: string }
  | { kind: 'logs'; lines: string[] }
  /** A kind this Pharos does not know: passed on as it came. */
  | { kind: 'unknown'; event: { event: string } & Record<string, unknown> }
  | { kind: 'invalid'; reason: string };

/**
 * Reads one frame of Lightd's container socket: v2's `args` form, or the seed documents'
 * `data` form, decided per frame.
 */
export function decodeLightdSocketFrame(value: unknown): LightdSocketFrame {
  if (!isObject(value) || typeof value.event !== 'string') return { kind: 'invalid', reason: 'not an object with an "event" string' };
  if ('args' in value) return argsFrame.check(value) ? decodeArgsFrame(value) : { kind: 'invalid', reason: `"${value.event}": args must be an array of strings` };
  const name = value.event;
  const validator = seedEventValidators[name];
  if (!validator) return { kind: 'unknown', event: value as { event: string } };
  if (!validator.check(value)) return { kind: 'invalid', reason: `"${name}" does not match its documented shape` };
  const event = value as LightdContainerEvent;
  switch (event.event) {
    case 'console':
      return { kind: 'line', text: event.data };
    case 'console duplicate':
      return { kind: 'twin' };
    case 'stats':
      return { kind: 'stats', event };
    case 'event':
      return { kind: 'state', state: event.data };
    case 'daemon_message':
      return { kind: 'daemon_message', text: event.data };
    case 'logs':
      return { kind: 'logs', lines: event.data.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1) };
  }
}

function decodeArgsFrame(frame: LightdArgsFrame): LightdSocketFrame {
  const first = frame.args[0];
  const needsOne = (): LightdSocketFrame => ({ kind: 'invalid', reason: `"${frame.event}" needs one argument` });
  switch (frame.event) {
    case 'console output':
      return first === undefined ? needsOne() : { kind: 'line', text: first };
    case 'console duplicate': {
      const count = Number(first);
      return first !== undefined && /^\d{1,9}$/.test(first) && count >= 2 ? { kind: 'repeat', count } : { kind: 'invalid', reason: '"console duplicate" needs a count of 2 or more' };
    }
    case 'stats':
      return first === undefined ? needsOne() : decodeStatsText(first);
    case 'event':
      return first === undefined ? needsOne() : { kind: 'state', state: first };
    case 'daemon_message':
      return first === undefined ? needsOne() : { kind: 'daemon_message', text: first };
    case 'logs':
      return { kind: 'logs', lines: frame.args };
    default:
      return { kind: 'unknown', event: frame };
  }
}

/** A v2 `stats` frame's JSON text → the browser's stats message. */
function decodeStatsText(text: string): LightdSocketFrame {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: '"stats": args[0] is not JSON' };
  }
  const result = containerStats.validate(parsed);
  if (!result.ok) return { kind: 'invalid', reason: `"stats": ${describeWireError(result.error)}` };
  const stats = result.value;
  return {
    kind: 'stats',
    event: {
      event: 'stats',
      cpu_usage: stats.cpu_absolute,
      memory_usage: stats.memory_bytes,
      memory_limit: stats.memory_limit_bytes,
      network_rx: stats.network.rx_bytes,
      network_tx: stats.network.tx_bytes,
      block_read: 0,
      block_write: 0,
      stats,
    },
  };
}

/** The longest command Pharos relays (Lightd writes it to the container's stdin). */
export const LIGHTD_MAX_COMMAND_LENGTH = 4096;

/** A command line for the container; a trailing `\n` is optional (Lightd v2 adds its own). */
export const LightdSendCommand = Type.Object({
  event: Type.Literal('send_command'),
  command: Type.String({ minLength: 1, maxLength: LIGHTD_MAX_COMMAND_LENGTH }),
});
export type LightdSendCommand = Static<typeof LightdSendCommand>;

export const LIGHTD_POWER_ACTIONS = ['start', 'kill', 'restart'] as const;
export type LightdPowerActionName = (typeof LIGHTD_POWER_ACTIONS)[number];
export const LightdPowerAction = Type.Object({
  event: Type.Literal('power'),
  action: Type.Union(LIGHTD_POWER_ACTIONS.map((a) => Type.Literal(a))),
});
export type LightdPowerAction = Static<typeof LightdPowerAction>;

export const LightdRequestLogs = Type.Object({ event: Type.Literal('request_logs') });
export type LightdRequestLogs = Static<typeof LightdRequestLogs>;

/** What a browser may send on its console socket (the seed documents' names). */
export type LightdContainerCommand = LightdSendCommand | LightdPowerAction | LightdRequestLogs;
export const LIGHTD_CONTAINER_COMMANDS = ['send_command', 'power', 'request_logs'] as const;

const sendCommand = compileValidator(LightdSendCommand);
const powerAction = compileValidator(LightdPowerAction);
const requestLogs = compileValidator(LightdRequestLogs);

/**
 * Decodes a browser's console message. Only the documented fields are kept, so whatever else
 * a client adds never reaches the daemon.
 */
export function decodeLightdContainerCommand(value: unknown): Validated<LightdContainerCommand> {
  if (!isObject(value)) return invalid('(root)', 'must be a JSON object');
  switch (value.event) {
    case 'send_command': {
      const result = sendCommand.validate(value);
      return result.ok ? { ok: true, value: { event: 'send_command', command: result.value.command } } : result;
    }
    case 'power': {
      if (!(LIGHTD_POWER_ACTIONS as readonly unknown[]).includes(value.action)) {
        return invalid('action', `must be one of ${LIGHTD_POWER_ACTIONS.join(', ')}`);
      }
      const result = powerAction.validate(value);
      return result.ok ? { ok: true, value: { event: 'power', action: result.value.action } } : result;
    }
    case 'request_logs': {
      const result = requestLogs.validate(value);
      return result.ok ? { ok: true, value: { event: 'request_logs' } } : result;
    }
    default:
      return invalid('event', `must be one of ${LIGHTD_CONTAINER_COMMANDS.join(', ')}`);
  }
}

/**
 * What Lightd v2 parses on its socket: its `InboundEvent`, serde *untagged*, recognised by its
 * key; anything else is ignored (logged) by Lightd.
 */
export type LightdSocketCommand = { send_command: [string] } | { power: [LightdPowerActionName] } | { logs: [string] };

/**
 * A browser's message in the form Lightd v2 parses. A command loses one trailing newline:
 * Lightd writes `<text>\n` to stdin itself. `logLines`: how many lines a log request asks for
 * (Lightd keeps 1,000; its default is 50).
 */
export function lightdSocketCommand(command: LightdContainerCommand, logLines: number): LightdSocketCommand {
  switch (command.event) {
    case 'send_command':
      return { send_command: [command.command.replace(/\r?\n$/, '')] };
    case 'power':
      return { power: [command.action] };
    case 'request_logs':
      return { logs: [String(Math.max(1, Math.min(1000, Math.round(logLines))))] };
  }
}

/** Decodes a v2 client message, as Lightd's untagged enum does (for fakes of Lightd). */
export function decodeLightdSocketCommand(value: unknown): LightdSocketCommand | null {
  if (!isObject(value)) return null;
  for (const key of ['power', 'send_command', 'logs'] as const) {
    const args = value[key];
    if (Array.isArray(args) && args.every((a) => typeof a === 'string')) return { [key]: args } as LightdSocketCommand;
  }
  return null;
}

// ------------------------------------------------------------------ Pharos's console proxy (browser side)

/**
 * The browser's console socket for one container (Pharos's id of it). The first message
 * authenticates (`{"type":"auth","token":"<access token>"}`, see frontend-ws); then the
 * browser sends `LightdContainerCommand`s (Pharos turns them into v2's forms) and receives
 * the container's events in the `data` form (`LightdContainerEvent` without `console
 * duplicate`: each line once, a repeated line repeated, lines Lightd broadcasts once per
 * connection folded), plus Pharos's own messages below.
 */
export const CONTAINER_CONSOLE_WS_PATH = '/api/v1/ws/containers/:containerId/console';

/** How Pharos's one connection to the container's daemon stands. */
export type ConsoleLinkState = 'connecting' | 'connected' | 'disconnected';

/** First message after authentication: which container this is, and what the user may do. */
export interface ConsoleAttachedMessage {
  type: 'attached';
  container: {
    id: string;
    internal_id: string;
    daemon_id: string;
    daemon_name: string;
    status: LightdContainerStatus | null;
  };
  /** False for viewers: they watch and may request logs, but not send commands or power actions. */
  can_drive: boolean;
}

/** The state of the link to the daemon, whenever it changes (and once on attach). */
export interface ConsoleUpstreamMessage {
  type: 'upstream';
  state: ConsoleLinkState;
  message: string;
  /** When `disconnected`: the next attempt is in this many milliseconds. */
  retry_in_ms?: number;
}

/** A client message Pharos relayed to the daemon (after recording it, for commands and power). */
export interface ConsoleRelayedMessage {
  type: 'relayed';
  event: LightdContainerCommand['event'];
}

export interface ConsoleErrorMessage {
  type: 'error';
  message: string;
}

/** The container's events as the browser gets them (no `console duplicate`; newer kinds as they came). */
export type ConsoleRelayedEvent = Exclude<LightdContainerEvent, LightdConsoleDuplicateEvent> | ({ event: string } & Record<string, unknown>);

/** What the browser sends after authenticating: Lightd's own client messages, relayed as they are. */
export type ConsoleProxyClientMessage = LightdContainerCommand;

export type ConsoleProxyServerMessage =
  | ConsoleRelayedEvent
  | ConsoleAttachedMessage
  | ConsoleUpstreamMessage
  | ConsoleRelayedMessage
  | ConsoleErrorMessage;

// ------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid<T>(path: string, message: string): Validated<T> {
  const error: WireError = { path, message };
  return { ok: false, error, errors: [error] };
}

function tagged<K extends LightdRemoteEvent['kind'], B>(kind: K, result: Validated<B>, clip: (body: B) => B = (body) => body): Validated<LightdRemoteEvent> {
  return result.ok ? { ok: true, value: { kind, body: clip(result.value) } as LightdRemoteEvent } : result;
}

/**
 * An update's `error` and `data` cut to their documented sizes (docs/protocols/limits.md)
 * rather than refused: Lightd never retries, so a refused error update would be lost whole.
 */
function clipOther(body: LightdOtherEvent): LightdOtherEvent {
  const length = JSON.stringify(body).length;
  if (length <= LIGHTD_OTHER_EVENT_MAX_LENGTH) return body;
  return { event: body.event, ...(body.server !== undefined ? { server: body.server } : {}), pharos_cut: { json_length: length } };
}

function clipUpdate(body: LightdUpdateEvent): LightdUpdateEvent {
  const clipped = { ...body };
  if (clipped.error !== undefined) clipped.error = truncateText(clipped.error, LIGHTD_UPDATE_ERROR_MAX_LENGTH);
  if (clipped.data !== undefined) clipped.data = truncateText(clipped.data, LIGHTD_UPDATE_DATA_MAX_LENGTH);
  return clipped;
}
