/**
 * Writes the AsyncAPI 3.0 documents of Pharos's message protocols into docs/asyncapi/: the
 * agent socket, the browser sockets, and the HTTP calls Lightd daemons and Ithiltir nodes make.
 * Payloads are the TypeBox schemas of libs/protocol, the ones the server validates with; a
 * message whose type is only a TypeScript type there is `{"type":"object"}` naming that type.
 * `npm run asyncapi` rewrites the files; test/asyncapi.e2e-spec.ts fails when they differ from
 * what this script makes, or do not validate against AsyncAPI 3.0.0's JSON Schema.
 */
import {
  AGENT_WS_PATH,
  AgentAuthMessage,
  AgentCommandResponse,
  AgentDockerResponse,
  AgentLogMessage,
  AgentMetricsMessage,
  AgentPingMessage,
  BrowserTerminalAck,
  BrowserTerminalClose,
  BrowserTerminalInput,
  BrowserTerminalPing,
  BrowserTerminalResize,
  BrowserTerminalToken,
  CONTAINER_CONSOLE_WS_PATH,
  FRONTEND_LOGS_WS_PATH,
  FRONTEND_METRICS_WS_PATH,
  FRONTEND_TERMINAL_WS_PATH,
  FrontendAuthMessage,
  LIGHTD_CONTAINER_WS_PATH,
  LightdAcceptedAnswer,
  LightdConfigReport,
  LightdContainerEvent,
  LightdHealthAnswer,
  LightdPowerAction,
  LightdRemoteEventBody,
  LightdRequestLogs,
  LightdSendCommand,
  LiveMetricsData,
  LogEntryData,
  NODE_DEPLOY_PATH,
  NODE_IDENTITY_PATH,
  NODE_METRICS_PATH,
  NODE_STATIC_PATH,
  NodeIdentityReply,
  NodeMetricsReply,
  NodeReport,
  NodeStaticReport,
  PharosAuthSuccess,
  PharosCommand,
  PharosDockerCommand,
  PharosError,
  PharosPong,
  TerminalAck,
  TerminalClose,
  TerminalExit,
  TerminalInput,
  TerminalOpen,
  TerminalOpened,
  TerminalOutput,
  TerminalResize,
} from '@pharos/protocol';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

type Json = Record<string, unknown>;

export const ASYNCAPI_DIR = path.join(__dirname, '..', 'docs', 'asyncapi');

const HTTP_BINDING_VERSION = '0.3.0';

/** A TypeBox schema as plain JSON (its symbols dropped). */
function schemaOf(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema)) as Json;
}

/** A message whose type libs/protocol declares only in TypeScript: an object, pointing there. */
function declaredIn(typeName: string, file: string): Json {
  return { type: 'object', description: `\`${typeName}\` in libs/protocol/src/${file} (a TypeScript type; no runtime schema)` };
}

function message(name: string, summary: string, payload: Json): Json {
  return { name, summary, contentType: 'application/json', payload };
}

/** A `{name}` of an address, from the router's `:name`. */
function address(routerPath: string): string {
  return routerPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parametersOf(routerPath: string, descriptions: Record<string, string>): Json | undefined {
  const names = [...routerPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  return names.length === 0 ? undefined : Object.fromEntries(names.map((name) => [name, { description: descriptions[name] ?? name }]));
}

interface ChannelSpec {
  /** The channel's key in the document. */
  key: string;
  path: string;
  description: string;
  parameters?: Record<string, string>;
  /** What Pharos receives on it, by message key. */
  receives: Record<string, Json>;
  /** What Pharos sends on it, by message key. */
  sends: Record<string, Json>;
  /** HTTP: the method of the call, and the answer (a reply to each message received). */
  http?: { method: string; reply?: Record<string, Json> };
  /** The server the channel is on (when the document has several). */
  servers?: string[];
}

/** A document of the channels given, with an operation per direction of each. */
function document(info: Json, servers: Json, channels: ChannelSpec[], securitySchemes: Json = {}): Json {
  const docChannels: Json = {};
  const operations: Json = {};
  for (const spec of channels) {
    const messages = { ...spec.receives, ...spec.sends, ...spec.http?.reply };
    const parameters = spec.parameters ? parametersOf(spec.path, spec.parameters) : undefined;
    docChannels[spec.key] = {
      address: address(spec.path),
      description: spec.description,
      messages,
      ...(parameters ? { parameters } : {}),
      ...(spec.servers ? { servers: spec.servers.map((server) => ({ $ref: `#/servers/${server}` })) } : {}),
    };
    const refs = (names: string[]) => names.map((name) => ({ $ref: `#/channels/${spec.key}/messages/${name}` }));
    const bindings = spec.http ? { bindings: { http: { method: spec.http.method, bindingVersion: HTTP_BINDING_VERSION } } } : {};
    if (Object.keys(spec.receives).length > 0 || spec.http) {
      operations[`${spec.key}.receive`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${spec.key}` },
        messages: refs(Object.keys(spec.receives)),
        ...bindings,
        ...(spec.http?.reply ? { reply: { channel: { $ref: `#/channels/${spec.key}` }, messages: refs(Object.keys(spec.http.reply)) } } : {}),
      };
    }
    if (Object.keys(spec.sends).length > 0) {
      operations[`${spec.key}.send`] = { action: 'send', channel: { $ref: `#/channels/${spec.key}` }, messages: refs(Object.keys(spec.sends)) };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: { version: '1', ...info },
    servers,
    channels: docChannels,
    operations,
    ...(Object.keys(securitySchemes).length > 0 ? { components: { securitySchemes } } : {}),
  };
}

const PHAROS_WS = { host: 'localhost:8080', protocol: 'ws', description: 'Pharos (wss behind TLS); its PHAROS_PUBLIC_URL' };
const PHAROS_HTTP = { host: 'localhost:8080', protocol: 'http', description: 'Pharos (https behind TLS); its PHAROS_PUBLIC_URL' };

function agentSocket(): Json {
  return document(
    {
      title: 'Pharos agent WebSocket',
      description: 'What an agent and Pharos say over `/api/v1/agents/ws` (docs/protocols/agent-websocket.md). The first message authenticates with the agent key (`api_key`); the terminal messages are sent only to agents announcing the `terminal` capability.',
    },
    { pharos: PHAROS_WS },
    [
      {
        key: 'agent',
        path: AGENT_WS_PATH,
        description: 'One socket per agent. Close codes: 4001 unauthorized, 4003 key revoked or server deleted, 4008 heartbeat timeout, 4009 replaced, 4029 too many messages, 1009 too large, 1001 shutting down.',
        receives: {
          auth: message('auth', 'The first message: the agent key, its version, hostname and capabilities', schemaOf(AgentAuthMessage)),
          metrics: message('metrics', 'A sample, every 5 s', schemaOf(AgentMetricsMessage)),
          commandResponse: message('command_response', "A shell command's result", schemaOf(AgentCommandResponse)),
          dockerResponse: message('docker_response', "A Docker action's result", schemaOf(AgentDockerResponse)),
          log: message('log', "A line for the server's event log", schemaOf(AgentLogMessage)),
          ping: message('ping', 'Keep-alive (`ping` is answered `pong`)', schemaOf(AgentPingMessage)),
          terminalOpened: message('terminal_opened', 'A terminal session started', schemaOf(TerminalOpened)),
          terminalOutput: message('terminal_output', "A terminal's output (base64)", schemaOf(TerminalOutput)),
          terminalExit: message('terminal_exit', 'A terminal session ended', schemaOf(TerminalExit)),
        },
        sends: {
          authSuccess: message('auth_success', 'The key was accepted: the server it reports for', schemaOf(PharosAuthSuccess)),
          command: message('command', 'Run a shell command', schemaOf(PharosCommand)),
          dockerCommand: message('docker_command', 'Act on a container', schemaOf(PharosDockerCommand)),
          error: message('error', 'A refused key or message', schemaOf(PharosError)),
          pong: message('pong', 'The answer to `ping`', schemaOf(PharosPong)),
          terminalOpen: message('terminal_open', "Open a terminal (an admin's, relayed)", schemaOf(TerminalOpen)),
          terminalInput: message('terminal_input', 'Input for a terminal (base64)', schemaOf(TerminalInput)),
          terminalResize: message('terminal_resize', "A terminal's new size", schemaOf(TerminalResize)),
          terminalAck: message('terminal_ack', 'Output drawn by the browser, in all', schemaOf(TerminalAck)),
          terminalClose: message('terminal_close', 'End a terminal session', schemaOf(TerminalClose)),
        },
      },
    ],
  );
}

const BROWSER_AUTH = message('auth', 'The first message: an access token from `POST /api/v1/auth/login`', schemaOf(FrontendAuthMessage));
const BROWSER_ERROR = message('error', 'A refused message', declaredIn('ErrorMessage', 'frontend-ws.ts'));

function browserSockets(): Json {
  return document(
    {
      title: 'Pharos browser WebSockets',
      description: "The dashboard's live sockets (docs/protocols/agent-websocket.md, Browser sockets): each one's first message is `auth` with an access token. Close codes: 4001 unauthorized, 4003 not allowed or not found, 4401 the token expired, 4429 too many sockets, 1013 too slow or the database is unavailable.",
    },
    { pharos: PHAROS_WS },
    [
      {
        key: 'metrics',
        path: FRONTEND_METRICS_WS_PATH,
        description: "Every sample of a server, from any source, and its alerts (those firing now first).",
        parameters: { serverId: 'A server id' },
        receives: { auth: BROWSER_AUTH },
        sends: {
          metrics: message('metrics', 'A sample: `{"type":"metrics","data":LiveMetricsData}`', { type: 'object', required: ['type', 'data'], properties: { type: { const: 'metrics' }, data: schemaOf(LiveMetricsData) } }),
          alert: message('alert', 'An alert of the server', declaredIn('FrontendAlertMessage', 'frontend-ws.ts')),
          error: BROWSER_ERROR,
        },
      },
      {
        key: 'logs',
        path: FRONTEND_LOGS_WS_PATH,
        description: "A subject's event log (a server, a Lightd daemon or container): the latest entries, then each new one.",
        parameters: { serverId: 'A server, Lightd daemon or Lightd container id' },
        receives: { auth: BROWSER_AUTH },
        sends: {
          log: message('log', 'An event-log entry: `{"type":"log","data":LogEntryData}`', { type: 'object', required: ['type', 'data'], properties: { type: { const: 'log' }, data: schemaOf(LogEntryData) } }),
          error: BROWSER_ERROR,
        },
      },
      {
        key: 'terminal',
        path: FRONTEND_TERMINAL_WS_PATH,
        description: "An admin's shell on the server's host, relayed to its agent (`?cols=&rows=`). Every session is audited.",
        parameters: { serverId: 'A server id' },
        receives: {
          auth: BROWSER_AUTH,
          input: message('input', 'Bytes typed or pasted (base64)', schemaOf(BrowserTerminalInput)),
          resize: message('resize', 'The new size', schemaOf(BrowserTerminalResize)),
          ack: message('ack', 'Output bytes drawn so far, in all', schemaOf(BrowserTerminalAck)),
          token: message('token', 'A fresh access token before the first expires', schemaOf(BrowserTerminalToken)),
          ping: message('ping', 'Keep-alive', schemaOf(BrowserTerminalPing)),
          close: message('close', 'End the session', schemaOf(BrowserTerminalClose)),
        },
        sends: {
          session: message('session', '`opened`, `output`, `exit`, `token_ok`, `pong` or `error`', declaredIn('TerminalSocketMessage', 'frontend-ws.ts')),
        },
      },
      {
        key: 'containerConsole',
        path: CONTAINER_CONSOLE_WS_PATH,
        description: "A Lightd container's console, through Pharos's one connection to its daemon (docs/protocols/lightd-remote.md §4). Viewers watch and may request logs.",
        parameters: { containerId: "Pharos's id of the container" },
        receives: {
          auth: BROWSER_AUTH,
          sendCommand: message('send_command', 'A console command (admins)', schemaOf(LightdSendCommand)),
          power: message('power', 'A power action (admins)', schemaOf(LightdPowerAction)),
          requestLogs: message('request_logs', 'The recent log lines', schemaOf(LightdRequestLogs)),
        },
        sends: {
          containerEvent: message('container_event', "The container's events, each console line once", schemaOf(LightdContainerEvent)),
          console: message('console', '`attached`, `upstream`, `relayed` or `error`', declaredIn('ConsoleProxyServerMessage', 'lightd.ts')),
        },
      },
    ],
  );
}

function lightdRemote(): Json {
  const accepted = { accepted: message('accepted', 'Taken (Lightd needs a 2xx)', schemaOf(LightdAcceptedAnswer)) };
  return document(
    {
      title: 'Pharos as the remote of Lightd daemons',
      description: "The calls a Lightd daemon makes to its `remote.url` (docs/protocols/lightd-remote.md §2): served at Pharos's root and under `/api/lightd`, each with `Authorization: Bearer <remote token>`; and the container socket Pharos opens to a daemon for consoles (§4).",
    },
    {
      pharos: { ...PHAROS_HTTP, security: [{ $ref: '#/components/securitySchemes/lightdRemoteToken' }] },
      lightd: { host: 'lightd-daemon:8070', protocol: 'ws', description: "A Lightd daemon's own port (keep it private); `?token=` a token minted by `POST /auth/tokens`" },
    },
    [
      {
        key: 'health',
        path: '/api/lightd/health',
        description: 'The health loop: at start, then 30 s after each check',
        servers: ['pharos'],
        receives: {},
        sends: {},
        http: { method: 'GET', reply: { healthy: message('healthy', 'The only answer Lightd counts as healthy', schemaOf(LightdHealthAnswer)) } },
      },
      {
        key: 'update',
        path: '/api/lightd/update',
        description: "A container's lifecycle status or error, its billing, or another kind of event",
        servers: ['pharos'],
        receives: { event: message('event', 'A lifecycle or billing event', schemaOf(LightdRemoteEventBody)) },
        sends: {},
        http: { method: 'POST', reply: accepted },
      },
      {
        key: 'configReport',
        path: '/api/lightd/config',
        description: "The daemon's whole configuration (`POST`); `GET` answers what the remote wants it to know",
        servers: ['pharos'],
        receives: { config: message('config', 'The configuration, any JSON object', schemaOf(LightdConfigReport)) },
        sends: {},
        http: { method: 'POST', reply: accepted },
      },
      {
        key: 'container',
        path: LIGHTD_CONTAINER_WS_PATH,
        description: "A container's socket on its daemon; Pharos is the client and relays it to browsers",
        servers: ['lightd'],
        parameters: { internalId: "The container's internal id on its daemon" },
        receives: { containerEvent: message('container_event', 'Console lines, stats, state changes, logs', schemaOf(LightdContainerEvent)) },
        sends: { command: message('command', '`{"send_command":[…]}`, `{"power":[…]}` or `{"logs":[…]}`', declaredIn('LightdSocketCommand', 'lightd.ts')) },
      },
    ],
    { lightdRemoteToken: { type: 'http', scheme: 'bearer', description: "The daemon's remote token (`remote.token` in its config.json)" } },
  );
}

function ithiltirNode(): Json {
  return document(
    {
      title: 'Pharos as the Dash of Ithiltir nodes',
      description: "What an Ithiltir node pushes (docs/protocols/ithiltir-node.md), each call with its `X-Node-Secret`; success is 200 only, and a refused report is lost on the node's side.",
    },
    { pharos: { ...PHAROS_HTTP, security: [{ $ref: '#/components/securitySchemes/nodeSecret' }] } },
    [
      {
        key: 'identity',
        path: NODE_IDENTITY_PATH,
        description: "The Dash installation's stable id (the body, `{}`, means nothing)",
        receives: { identify: message('identify', 'Any JSON', {}) },
        sends: {},
        http: { method: 'POST', reply: { identity: message('identity', 'The install id', schemaOf(NodeIdentityReply)) } },
      },
      {
        key: 'metrics',
        path: NODE_METRICS_PATH,
        description: 'A report, every round (3 s by default); the reply may offer a release',
        receives: { report: message('report', 'The runtime report', schemaOf(NodeReport)) },
        sends: {},
        http: { method: 'POST', reply: { reply: message('reply', '`update`: a release manifest, or null', schemaOf(NodeMetricsReply)) } },
      },
      {
        key: 'static',
        path: NODE_STATIC_PATH,
        description: 'The host facts: after start-up, on change, after a failed push recovers',
        receives: { static: message('static', 'The static facts', schemaOf(NodeStaticReport)) },
        sends: {},
        http: { method: 'POST', reply: { ok: message('ok', '`{"ok":true}`', { type: 'object', required: ['ok'], properties: { ok: { const: true } } }) } },
      },
      {
        key: 'download',
        path: `${NODE_DEPLOY_PATH}/:os/:file`,
        description: 'A release binary, as offered in a metrics reply (with the secret, or the `?upgrade_token=` of the offered URL for nodes before 0.2.3)',
        parameters: { os: 'linux, windows or darwin', file: 'The file name of the offered URL' },
        receives: {},
        sends: {},
        http: { method: 'GET', reply: { binary: { name: 'binary', summary: 'The binary', contentType: 'application/octet-stream', payload: { type: 'string' } } } },
      },
    ],
    { nodeSecret: { type: 'httpApiKey', in: 'header', name: 'X-Node-Secret', description: "The node's secret, as `POST /api/v1/nodes` answered it" } },
  );
}

/** Every document, by file name in docs/asyncapi/, as JSON text. */
export function asyncApiDocuments(): Record<string, string> {
  const documents: Record<string, Json> = {
    'agent-websocket.json': agentSocket(),
    'browser-websockets.json': browserSockets(),
    'lightd-remote.json': lightdRemote(),
    'ithiltir-node.json': ithiltirNode(),
  };
  return Object.fromEntries(Object.entries(documents).map(([name, doc]) => [name, `${JSON.stringify(doc, null, 2)}\n`]));
}

if (require.main === module) {
  for (const [name, text] of Object.entries(asyncApiDocuments())) {
    writeFileSync(path.join(ASYNCAPI_DIR, name), text);
    console.log(`wrote docs/asyncapi/${name}`);
  }
}
