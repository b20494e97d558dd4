import { readFileSync } from 'node:fs';
import path from 'node:path';
import { agentSocketUrl, type ConfigSources, type HostUser, loadAgentConfig, parseCommandLine } from './agent-config';
import { AGENT_OPTIONS, fileKey } from './agent-options';
import { parsePasswdLine } from './host-users';

const root: HostUser = { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' };
const deploy: HostUser = { name: 'deploy', uid: 1001, gid: 1001, home: '/home/deploy', shell: '/usr/sbin/nologin' };

function sources(over: Partial<ConfigSources> & { files?: Record<string, string> } = {}): ConfigSources {
  const files = over.files ?? {};
  return {
    env: {},
    readFile: (file) => {
      if (!(file in files)) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return files[file]!;
    },
    isDirectory: (dir) => ['/', '/root', '/srv', '/home/deploy'].includes(dir),
    lookupUser: (name) => [root, deploy].find((u) => u.name === name || String(u.uid) === name) ?? null,
    currentUser: () => root,
    hostname: () => 'web-1',
    ...over,
  };
}

function load(argv: string[], over: Parameters<typeof sources>[0] = {}) {
  const line = parseCommandLine(argv);
  if (!('values' in line)) throw new Error('not a run');
  return loadAgentConfig(line, sources(over));
}

describe('agent configuration', () => {
  it('runs with a URL and a key, everything else defaulted', () => {
    expect(load(['--url', 'https://pharos.example', '--key', 'pak_1'])).toEqual({
      url: 'wss://pharos.example/api/v1/agents/ws',
      apiKey: 'pak_1',
      hostname: 'web-1',
      caFile: null,
      metricsIntervalMs: 5000,
      reconnect: { minMs: 1000, maxMs: 60_000 },
      commands: { enabled: true, shell: '/bin/sh', timeoutMs: 300_000 },
      outputCapBytes: 65_536,
      docker: { enabled: true, socketPath: '/var/run/docker.sock' },
      terminal: { enabled: true, shell: '/bin/bash', idleTimeoutMs: 900_000, maxSessions: 4 },
      runAs: null,
      workdir: '/root',
      hostRoot: null,
      logLevel: 'info',
    });
  });

  it('takes flags over the environment over the config file', () => {
    const files = { '/etc/pharos-agent.json': JSON.stringify({ url: 'ws://file', key: 'pak_file', metricsInterval: 30, commandTimeout: 10, commands: false, outputCap: 2048 }) };
    const env = { PHAROS_URL: 'ws://env', PHAROS_METRICS_INTERVAL: '20', PHAROS_AGENT_CONFIG: '/etc/pharos-agent.json' };
    const config = load(['--metrics-interval', '2.5'], { env, files });
    expect(config).toMatchObject({ url: 'ws://env/api/v1/agents/ws', apiKey: 'pak_file', metricsIntervalMs: 2500, commands: { enabled: false, timeoutMs: 10_000 }, outputCapBytes: 2048 });
    expect(load(['--config', '/etc/pharos-agent.json', '--commands'], { files }).commands.enabled).toBe(true);
  });

  it('turns parts off with --no-* flags, false-ish variables and false in the file', () => {
    const config = load(['--url', 'ws://p', '--key', 'k', '--no-docker', '--no-terminal'], { env: { PHAROS_COMMANDS: 'off' } });
    expect([config.commands.enabled, config.docker.enabled, config.terminal.enabled]).toEqual([false, false, false]);
  });

  it('reads the key from a file, and sizes with k and m', () => {
    const config = load(['--url', 'ws://p', '--key-file', '/run/secrets/key', '--output-cap', '128k'], { files: { '/run/secrets/key': 'pak_secret\n' } });
    expect(config).toMatchObject({ apiKey: 'pak_secret', outputCapBytes: 131_072 });
  });

  it('keeps a URL that names its path, and takes DOCKER_HOST when no socket is given', () => {
    expect(agentSocketUrl('ws://10.0.0.5:8080/custom/agents')).toBe('ws://10.0.0.5:8080/custom/agents');
    expect(agentSocketUrl('http://localhost:8080/')).toBe('ws://localhost:8080/api/v1/agents/ws');
    expect(load(['--url', 'ws://p', '--key', 'k'], { env: { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' } }).docker.socketPath).toBe('/run/user/1000/docker.sock');
  });

  it('runs commands as another user: its id, its home, its shell unless it has none', () => {
    const config = load(['--url', 'ws://p', '--key', 'k', '--run-as', 'deploy']);
    expect(config).toMatchObject({ runAs: deploy, workdir: '/home/deploy', terminal: { shell: '/bin/sh' } });
    expect(load(['--url', 'ws://p', '--key', 'k', '--run-as', '0']).runAs).toBeNull();
  });

  it.each([
    [['--key', 'k'], '--url (or PHAROS_URL) is required'],
    [['--url', 'ws://p'], '--key (or PHAROS_AGENT_KEY, or --key-file) is required'],
    [['--url', 'mailto:x', '--key', 'k'], '--url must be an http(s):// or ws(s):// URL, got "mailto:x"'],
    [['--url', 'ws://p', '--key', 'k', '--metrics-interval', 'soon'], '--metrics-interval must be a number of seconds from 1 to 3600, got "soon"'],
    [['--url', 'ws://p', '--key', 'k', '--terminal-max-sessions', '2.5'], '--terminal-max-sessions must be an integer from 1 to 64, got "2.5"'],
    [['--url', 'ws://p', '--key', 'k', '--run-as', 'nobody-here'], '--run-as names no user of this host: "nobody-here"'],
    [['--url', 'ws://p', '--key', 'k', '--workdir', '/nope'], '--workdir is not a directory: /nope'],
    [['--url', 'ws://p', '--key', 'k', '--log-level', 'loud'], '--log-level must be one of debug, info, warn, error'],
    [['--url', 'ws://p', '--key', 'k', '--reconnect-min', '10', '--reconnect-max', '5'], '--reconnect-max must not be shorter than --reconnect-min'],
    [['--url', 'ws://p', '--key-file', '/missing'], '--key-file cannot be read (ENOENT)'],
    [['--url', 'ws://p', '--key', 'k', '--config', '/missing'], '--config /missing: cannot be read (ENOENT)'],
    [['--url', 'ws://p', '--bogus'], "command line: Unknown option '--bogus'"],
  ])('refuses %j with one line naming the option', (argv, message) => {
    expect(() => load(argv)).toThrow(message);
  });

  it('names the variable or the file key that was wrong', () => {
    expect(() => load([], { env: { PHAROS_URL: 'ws://p', PHAROS_AGENT_KEY: 'k', PHAROS_DOCKER: 'maybe' } })).toThrow('PHAROS_DOCKER must be true or false, got "maybe"');
    const files = { '/c.json': '{"url":"ws://p","key":"k","commandTimout":5}' };
    expect(() => load(['--config', '/c.json'], { files })).toThrow(/^config file: "commandTimout" is not an option/);
    expect(() => load(['--config', '/c.json'], { files: { '/c.json': '{"url":"ws://p","key":"k","outputCap":"lots"}' } })).toThrow(
      'config file: "outputCap" must be a number of bytes (k and m suffixes allowed) from 1024 to 524288, got "lots"',
    );
  });

  it('switches users only when running as root', () => {
    expect(() => load(['--url', 'ws://p', '--key', 'k', '--run-as', 'deploy'], { currentUser: () => ({ ...root, name: 'me', uid: 1000 }) })).toThrow(
      '--run-as needs the agent to run as root to switch to "deploy" (it runs as "me")',
    );
  });

  it('reads passwd lines', () => {
    expect(parsePasswdLine('deploy:x:1001:1001:Deploy,,,:/home/deploy:/usr/sbin/nologin\n')).toEqual(deploy);
    expect(parsePasswdLine('garbage')).toBeNull();
  });

  it('answers --help and --version before reading anything', () => {
    expect(parseCommandLine(['--help'])).toEqual({ help: true });
    expect(parseCommandLine(['--version', '--url', 'x'])).toEqual({ version: true });
  });

  it('is documented: the README lists every option with its variable and file key', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const option of AGENT_OPTIONS) {
      const flag = option.kind === 'switch' ? `--no-${option.name}` : `--${option.name}`;
      expect(readme).toContain(`| \`${flag}\` | \`${option.env}\` | \`${fileKey(option.name)}\` |`);
    }
  });
});
