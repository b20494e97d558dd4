import { AGENT_WS_PATH } from '@pharos/protocol/agent-ws';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AGENT_OPTIONS, fileKey, type OptionSpec } from './agent-options';

/** A wrong or missing option; the message is one line naming where it came from. */
export class AgentConfigError extends Error {
  constructor(readonly source: string, reason: string) {
    super(`${source} ${reason}`);
    this.name = 'AgentConfigError';
  }
}

/** A host account, as `getent passwd` tells it. */
export interface HostUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The agent's whole configuration: typed, validated, read once at start. */
export interface AgentConfig {
  /** The agent socket, `ws(s)://<pharos>/api/v1/agents/ws`. */
  url: string;
  apiKey: string;
  hostname: string;
  caFile: string | null;
  metricsIntervalMs: number;
  reconnect: { minMs: number; maxMs: number };
  commands: { enabled: boolean; shell: string; timeoutMs: number };
  /** Bytes of command output and Docker logs sent back. */
  outputCapBytes: number;
  docker: { enabled: boolean; socketPath: string };
  terminal: { enabled: boolean; shell: string; idleTimeoutMs: number; maxSessions: number };
  /** Who commands and terminals run as; null: the agent's own user. */
  runAs: HostUser | null;
  workdir: string;
  hostRoot: string | null;
  logLevel: LogLevel;
}

/** What loading reads besides the command line: injected, so that tests need no real host. */
export interface ConfigSources {
  env: Record<string, string | undefined>;
  readFile(file: string): string;
  isDirectory(dir: string): boolean;
  lookupUser(nameOrUid: string): HostUser | null;
  currentUser(): HostUser;
  hostname(): string;
}

/** The flags of a run (not `--help` or `--version`). */
export interface RunFlags {
  values: Record<string, string | boolean | undefined>;
  configFile?: string;
}

export type CommandLine = { help: true } | { version: true } | RunFlags;

/** Reads the flags; an unknown flag is an error, as is a stray argument. */
export function parseCommandLine(argv: string[]): CommandLine {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' }, version: { type: 'boolean' }, config: { type: 'string' } };
  for (const spec of AGENT_OPTIONS) {
    options[spec.name] = { type: spec.kind === 'switch' ? 'boolean' : 'string' };
    if (spec.kind === 'switch') options[`no-${spec.name}`] = { type: 'boolean' };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new AgentConfigError('command line:', (error as Error).message.split('\n')[0]!);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { help: true };
  if (values.version) return { version: true };
  for (const spec of AGENT_OPTIONS) {
    if (spec.kind === 'switch' && values[`no-${spec.name}`]) values[spec.name] = false;
  }
  return { values, configFile: values.config as string | undefined };
}

/** One option's raw value and where it came from (for error messages). */
interface Raw {
  value: unknown;
  source: string;
}

/** Flags over environment over config file over defaults. */
function rawValue(spec: OptionSpec, flags: Record<string, unknown>, env: ConfigSources['env'], file: Record<string, unknown>): Raw | undefined {
  if (flags[spec.name] !== undefined) return { value: flags[spec.name], source: `--${spec.name}` };
  const fromEnv = env[spec.env]?.trim();
  if (fromEnv) return { value: fromEnv, source: spec.env };
  const key = fileKey(spec.name);
  if (file[key] !== undefined && file[key] !== null) return { value: file[key], source: `config file: "${key}"` };
  return spec.default === undefined ? undefined : { value: spec.default, source: `default of --${spec.name}` };
}

const SIZE_SUFFIX: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024 };

/** Turns a raw value into the option's kind, within its bounds. */
function convert(spec: OptionSpec, raw: Raw): string | number | boolean {
  const { value, source } = raw;
  const text = typeof value === 'string' ? value.trim() : undefined;
  switch (spec.kind) {
    case 'string':
      if (!text) throw new AgentConfigError(source, 'must be a non-empty string');
      return text;
    case 'switch':
      if (typeof value === 'boolean') return value;
      if (text && /^(1|true|yes|on)$/i.test(text)) return true;
      if (text && /^(0|false|no|off)$/i.test(text)) return false;
      throw new AgentConfigError(source, `must be true or false, got ${JSON.stringify(value)}`);
    default:
      return bounded(spec, raw, number(spec, value));
  }
}

function number(spec: OptionSpec, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return NaN;
  const match = /^(\d+(?:\.\d+)?)\s*([km]?)i?b?$/i.exec(value.trim());
  if (!match || (spec.kind !== 'bytes' && match[2])) return NaN;
  return Number(match[1]) * SIZE_SUFFIX[match[2]!.toLowerCase()]!;
}

function bounded(spec: OptionSpec, raw: Raw, value: number): number {
  const integer = spec.kind !== 'seconds';
  const what = spec.kind === 'seconds' ? 'a number of seconds' : spec.kind === 'bytes' ? 'a number of bytes (k and m suffixes allowed)' : 'an integer';
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < spec.min! || value > spec.max!) {
    throw new AgentConfigError(raw.source, `must be ${what} from ${spec.min} to ${spec.max}, got ${JSON.stringify(raw.value)}`);
  }
  return value;
}

function readConfigFile(file: string | undefined, sources: ConfigSources): Record<string, unknown> {
  if (!file) return {};
  let text: string;
  try {
    text = sources.readFile(file);
  } catch (error) {
    throw new AgentConfigError(`--config ${file}:`, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AgentConfigError(`--config ${file}:`, `is not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new AgentConfigError(`--config ${file}:`, 'must hold a JSON object');
  const known = new Set(AGENT_OPTIONS.map((spec) => fileKey(spec.name)));
  const unknown = Object.keys(parsed).find((key) => !known.has(key));
  if (unknown) throw new AgentConfigError(`config file: "${unknown}"`, `is not an option (known: ${[...known].join(', ')})`);
  return parsed as Record<string, unknown>;
}

/** `https://pharos.example` → `wss://pharos.example/api/v1/agents/ws`; a URL with a path is kept. */
export function agentSocketUrl(raw: string, source = '--url'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AgentConfigError(source, `must be a URL, got "${raw}"`);
  }
  const scheme = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' }[url.protocol];
  if (!scheme) throw new AgentConfigError(source, `must be an http(s):// or ws(s):// URL, got "${raw}"`);
  url.protocol = scheme;
  if (url.pathname === '' || url.pathname === '/') url.pathname = AGENT_WS_PATH;
  return url.toString();
}

/** Builds the configuration from the command line, the environment and the config file. */
export function loadAgentConfig(line: RunFlags, sources: ConfigSources): AgentConfig {
  const configFile = line.configFile ?? sources.env.PHAROS_AGENT_CONFIG?.trim() ?? undefined;
  const file = readConfigFile(configFile || undefined, sources);
  const options = new Map<string, { value: string | number | boolean; source: string }>();
  for (const spec of AGENT_OPTIONS) {
    const raw = rawValue(spec, line.values, sources.env, file);
    if (raw) options.set(spec.name, { value: convert(spec, raw), source: raw.source });
  }
  const get = <T extends string | number | boolean>(name: string) => options.get(name)?.value as T;
  const seconds = (name: string) => Math.round(get<number>(name) * 1000);

  const url = options.get('url');
  if (!url) throw new AgentConfigError('--url', '(or PHAROS_URL) is required');
  const runAs = resolveRunAs(options.get('run-as'), sources);
  const user = runAs ?? sources.currentUser();
  const reconnect = { minMs: seconds('reconnect-min'), maxMs: seconds('reconnect-max') };
  if (reconnect.maxMs < reconnect.minMs) throw new AgentConfigError(options.get('reconnect-max')!.source, 'must not be shorter than --reconnect-min');
  const logLevel = get<string>('log-level');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new AgentConfigError(options.get('log-level')!.source, `must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    url: agentSocketUrl(url.value as string, url.source),
    apiKey: apiKey(options, sources),
    hostname: get<string>('hostname') ?? sources.hostname(),
    caFile: get<string>('ca-file') ?? null,
    metricsIntervalMs: seconds('metrics-interval'),
    reconnect,
    commands: { enabled: get<boolean>('commands'), shell: get<string>('shell'), timeoutMs: seconds('command-timeout') },
    outputCapBytes: get<number>('output-cap'),
    docker: { enabled: get<boolean>('docker'), socketPath: dockerSocket(options.get('docker-socket'), sources.env.DOCKER_HOST) },
    terminal: {
      enabled: get<boolean>('terminal'),
      shell: get<string>('terminal-shell') ?? loginShell(user),
      idleTimeoutMs: seconds('terminal-idle-timeout'),
      maxSessions: get<number>('terminal-max-sessions'),
    },
    runAs,
    workdir: workdir(options.get('workdir'), user, sources),
    hostRoot: absolute(options.get('host-root')),
    logLevel: logLevel as LogLevel,
  };
}

function apiKey(options: Map<string, { value: unknown; source: string }>, sources: ConfigSources): string {
  const key = options.get('key');
  if (key) return key.value as string;
  const keyFile = options.get('key-file');
  if (!keyFile) throw new AgentConfigError('--key', '(or PHAROS_AGENT_KEY, or --key-file) is required');
  let text: string;
  try {
    text = sources.readFile(keyFile.value as string).trim();
  } catch (error) {
    throw new AgentConfigError(keyFile.source, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!text) throw new AgentConfigError(keyFile.source, 'names an empty file');
  return text;
}

/** Switching users needs root; refusing at start beats every command failing later. */
function resolveRunAs(option: { value: unknown; source: string } | undefined, sources: ConfigSources): HostUser | null {
  if (!option) return null;
  const user = sources.lookupUser(option.value as string);
  if (!user) throw new AgentConfigError(option.source, `names no user of this host: "${option.value}"`);
  const me = sources.currentUser();
  if (user.uid !== me.uid && me.uid !== 0) throw new AgentConfigError(option.source, `needs the agent to run as root to switch to "${user.name}" (it runs as "${me.name}")`);
  return user.uid === me.uid ? null : user;
}

function loginShell(user: HostUser): string {
  return user.shell && !/(nologin|false)$/.test(user.shell) ? user.shell : '/bin/sh';
}

function workdir(option: { value: unknown; source: string } | undefined, user: HostUser, sources: ConfigSources): string {
  if (option) {
    const dir = path.resolve(option.value as string);
    if (!sources.isDirectory(dir)) throw new AgentConfigError(option.source, `is not a directory: ${dir}`);
    return dir;
  }
  // Service accounts often have a home that does not exist (/nonexistent).
  return user.home && sources.isDirectory(user.home) ? user.home : '/';
}

function dockerSocket(option: { value: unknown } | undefined, dockerHost: string | undefined): string {
  if (option) return option.value as string;
  if (dockerHost?.startsWith('unix://')) return dockerHost.slice('unix://'.length);
  return '/var/run/docker.sock';
}

function absolute(option: { value: unknown } | undefined): string | null {
  return option ? path.resolve(option.value as string) : null;
}
