/**
 * Every option of the agent, once: its flag, its environment variable, its key in the JSON
 * config file, what kind of value it takes and its default. The README's option table is this
 * list; `--help` prints it.
 */

export type OptionKind = 'string' | 'seconds' | 'count' | 'bytes' | 'switch';

export interface OptionSpec {
  /** The flag without dashes; a switch is turned off with `--no-<name>`. */
  readonly name: string;
  readonly env: string;
  readonly kind: OptionKind;
  readonly help: string;
  readonly default?: string | number | boolean;
  readonly min?: number;
  readonly max?: number;
}

export const AGENT_OPTIONS: readonly OptionSpec[] = [
  { name: 'url', env: 'PHAROS_URL', kind: 'string', help: 'Pharos (http(s):// or ws(s)://); the agent socket path is added when the URL has no path' },
  { name: 'key', env: 'PHAROS_AGENT_KEY', kind: 'string', help: 'the agent API key (pak_…); prefer the environment or a file: flags are visible in `ps`' },
  { name: 'key-file', env: 'PHAROS_AGENT_KEY_FILE', kind: 'string', help: 'a file holding the API key' },
  { name: 'hostname', env: 'PHAROS_HOSTNAME', kind: 'string', help: 'the name shown on the server (default: this host\'s name)' },
  { name: 'metrics-interval', env: 'PHAROS_METRICS_INTERVAL', kind: 'seconds', default: 5, min: 1, max: 3600, help: 'seconds between metric samples' },
  { name: 'reconnect-min', env: 'PHAROS_RECONNECT_MIN', kind: 'seconds', default: 1, min: 0.1, max: 3600, help: 'first reconnection delay, doubled on each failure (each drawn between half and all of it)' },
  { name: 'reconnect-max', env: 'PHAROS_RECONNECT_MAX', kind: 'seconds', default: 60, min: 0.1, max: 86_400, help: 'longest reconnection delay' },
  { name: 'ca-file', env: 'PHAROS_CA_FILE', kind: 'string', help: 'PEM certificate(s) to trust for wss:// besides the system\'s' },
  { name: 'commands', env: 'PHAROS_COMMANDS', kind: 'switch', default: true, help: 'run shell commands sent by Pharos (--no-commands refuses them)' },
  { name: 'shell', env: 'PHAROS_SHELL', kind: 'string', default: '/bin/sh', help: 'the shell commands run with (`<shell> -c <command>`)' },
  { name: 'command-timeout', env: 'PHAROS_COMMAND_TIMEOUT', kind: 'seconds', default: 300, min: 1, max: 86_400, help: 'a command still running then is killed (exit code 124)' },
  { name: 'output-cap', env: 'PHAROS_OUTPUT_CAP', kind: 'bytes', default: 64 * 1024, min: 1024, max: 512 * 1024, help: 'bytes of command output (or Docker logs) sent back; the rest is dropped' },
  { name: 'run-as', env: 'PHAROS_RUN_AS', kind: 'string', help: 'the user (name or uid) commands and terminals run as; the agent must run as root to switch' },
  { name: 'workdir', env: 'PHAROS_WORKDIR', kind: 'string', help: 'working directory of commands and terminals (default: that user\'s home)' },
  { name: 'docker', env: 'PHAROS_DOCKER', kind: 'switch', default: true, help: 'run Docker actions sent by Pharos (--no-docker refuses them)' },
  { name: 'docker-socket', env: 'PHAROS_DOCKER_SOCKET', kind: 'string', help: 'the Docker Engine API socket (default: a unix:// DOCKER_HOST, else /var/run/docker.sock)' },
  { name: 'terminal', env: 'PHAROS_TERMINAL', kind: 'switch', default: true, help: 'offer the web terminal (--no-terminal: not announced, opens refused)' },
  { name: 'terminal-shell', env: 'PHAROS_TERMINAL_SHELL', kind: 'string', help: 'the terminal\'s shell (default: the user\'s login shell, else /bin/sh)' },
  { name: 'terminal-idle-timeout', env: 'PHAROS_TERMINAL_IDLE_TIMEOUT', kind: 'seconds', default: 900, min: 1, max: 86_400, help: 'a terminal without input for this long is closed' },
  { name: 'terminal-max-sessions', env: 'PHAROS_TERMINAL_MAX_SESSIONS', kind: 'count', default: 4, min: 1, max: 64, help: 'terminals open at once' },
  { name: 'host-root', env: 'PHAROS_HOST_ROOT', kind: 'string', help: 'where the host\'s / is mounted (in a container): disks are reported below it, by their host paths' },
  { name: 'log-level', env: 'PHAROS_LOG_LEVEL', kind: 'string', default: 'info', help: 'debug, info, warn or error' },
];

/** `command-timeout` → `commandTimeout`: the option's key in the config file. */
export function fileKey(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
