/**
 * Lightd's wire formats, as Lightd's own code sends and serves them (docs/protocols/lightd-remote.md;
 * the Lightd docs in docs/protocols/seeds/ 000–002 where the contract is silent):
 *
 * - the remote sync Lightd speaks to Pharos over HTTP (`GET /health`, `POST /update`,
 *   `GET|POST /config`, each with `Authorization: Bearer lightd_<hex>`);
 * - the container WebSocket Lightd serves (`ws://<daemon>/ws/<internal_id>?token=<token>`),
 *   which Pharos opens for admins;
 * - the browser side of Pharos's console proxy, which relays Lightd's container events and
 *   adds a few messages of its own (tagged `type`, where Lightd's are tagged `event`).
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { compileValidator, type Validated, type WireError } from './validation';

// ------------------------------------------------------------------ remote sync (Lightd → Pharos)

/** Where the receiver is served besides the root (`{url}/health` with `url` = Pharos + this). */
export const LIGHTD_REMOTE_PREFIX = '/api/lightd';

/** Lightd's tokens start with this; Pharos issues `lightd_` + 32 lowercase hex digits. */
export const LIGHTD_TOKEN_PREFIX = 'lightd_';

/** The only answer to `GET /health` Lightd counts as healthy. */
export interface LightdHealthAnswer {
  status: 200;
  endpoint: 'active';
}
export const LIGHTD_HEALTH_ANSWER: LightdHealthAnswer = { status: 200, endpoint: 'active' };

/** The answer to `POST /update` and `POST /config` (Lightd needs a 2xx; the seed's remote sends this). */
export interface LightdAcceptedAnswer {
  success: true;
}
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
      return tagged('update', updateEvent.validate(body));
    }
    case 'billing':
      return tagged('billing', billingEvent.validate(body));
    default:
      return tagged('other', otherEvent.validate(body));
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

// ------------------------------------------------------------------ container WebSocket (Lightd serves)

/** Lightd's container socket: `ws://<daemon>/ws/<internal_id>?token=<token>`. */
export const LIGHTD_CONTAINER_WS_PATH = '/ws/:internalId';

/** Sent only when a value changed. cpu in percent (0–100 per core), the rest in bytes. */
export const LightdStatsEvent = Type.Object({
  event: Type.Literal('stats'),
  cpu_usage: Type.Number(),
  memory_usage: Type.Number(),
  memory_limit: Type.Number(),
  network_rx: Type.Number(),
  network_tx: Type.Number(),
  block_read: Type.Number(),
  block_write: Type.Number(),
});
export type LightdStatsEvent = Static<typeof LightdStatsEvent>;

export const LightdConsoleEvent = Type.Object({ event: Type.Literal('console'), data: Type.String() });
export type LightdConsoleEvent = Static<typeof LightdConsoleEvent>;

/** The same chunk as the `console` before it, kept by Lightd for compatibility. */
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

export const LightdContainerEvent = Type.Union([
  LightdStatsEvent,
  LightdConsoleEvent,
  LightdConsoleDuplicateEvent,
  LightdStateEvent,
  LightdDaemonMessageEvent,
  LightdLogsEvent,
]);
export type LightdContainerEvent = Static<typeof LightdContainerEvent>;
const containerEventSchemas: Record<LightdContainerEvent['event'], TSchema> = {
  stats: LightdStatsEvent,
  console: LightdConsoleEvent,
  'console duplicate': LightdConsoleDuplicateEvent,
  event: LightdStateEvent,
  daemon_message: LightdDaemonMessageEvent,
  logs: LightdLogsEvent,
};
const containerEventValidators = Object.fromEntries(
  Object.entries(containerEventSchemas).map(([event, schema]) => [event, compileValidator(schema)]),
) as Record<string, ReturnType<typeof compileValidator>>;

/**
 * Reads one frame of Lightd's container socket: a known event that matches its shape, an
 * event of a kind this Pharos does not know (`unknown`, passed on as it came), or `invalid`.
 */
export function decodeLightdContainerEvent(
  value: unknown,
): { kind: 'known'; event: LightdContainerEvent } | { kind: 'unknown'; event: { event: string } & Record<string, unknown> } | { kind: 'invalid' } {
  if (!isObject(value) || typeof value.event !== 'string') return { kind: 'invalid' };
  const validator = containerEventValidators[value.event];
  if (!validator) return { kind: 'unknown', event: value as { event: string } };
  return validator.check(value) ? { kind: 'known', event: value as LightdContainerEvent } : { kind: 'invalid' };
}

/** The longest command Pharos relays (Lightd writes it to the container's stdin). */
export const LIGHTD_MAX_COMMAND_LENGTH = 4096;

/** Include `\n` at the end for the command to run. */
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

/** What a client may send on Lightd's container socket. */
export type LightdContainerCommand = LightdSendCommand | LightdPowerAction | LightdRequestLogs;
export const LIGHTD_CONTAINER_COMMANDS = ['send_command', 'power', 'request_logs'] as const;

const sendCommand = compileValidator(LightdSendCommand);
const powerAction = compileValidator(LightdPowerAction);
const requestLogs = compileValidator(LightdRequestLogs);

/**
 * Decodes a client → Lightd message. Only the documented fields are kept, so whatever else
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

// ------------------------------------------------------------------ Pharos's console proxy (browser side)

/**
 * The browser's console socket for one container (Pharos's id of it). The first message
 * authenticates (`{"type":"auth","token":"<access token>"}`, see frontend-ws); then the
 * browser sends Lightd's client messages (`LightdContainerCommand`) and receives Lightd's
 * container events — `console duplicate` is folded away, the browser sees each chunk once —
 * plus Pharos's own messages below.
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

/** Lightd's container events as the browser gets them (no `console duplicate`). */
export type ConsoleRelayedEvent = Exclude<LightdContainerEvent, LightdConsoleDuplicateEvent> | ({ event: string } & Record<string, unknown>);

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

function tagged<K extends LightdRemoteEvent['kind'], B>(kind: K, result: Validated<B>): Validated<LightdRemoteEvent> {
  return result.ok ? { ok: true, value: { kind, body: result.value } as LightdRemoteEvent } : result;
}
