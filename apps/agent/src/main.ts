import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import tls from 'node:tls';
import { Agent, AGENT_VERSION } from './agent';
import { AgentConfigError, type AgentConfig, loadAgentConfig, parseCommandLine } from './config/agent-config';
import { AGENT_OPTIONS } from './config/agent-options';
import { currentUser, lookupUser } from './config/host-users';
import { executionContext } from './exec/execution-context';
import { createLogger, type Logger } from './log';
import { loadNodePty } from './terminal/pty';

/**
 * `pharos-agent --url wss://pharos.example --key pak_…` (or PHAROS_URL / PHAROS_AGENT_KEY, or
 * `--config file.json`): reads its options, then connects and serves until SIGTERM or SIGINT.
 */
function main(argv: string[]): void {
  let config: AgentConfig;
  try {
    const line = parseCommandLine(argv);
    if ('help' in line) return void process.stdout.write(usage());
    if ('version' in line) return void process.stdout.write(`${AGENT_VERSION}\n`);
    config = loadAgentConfig(line, {
      env: process.env,
      readFile: (file) => readFileSync(file, 'utf8'),
      isDirectory: (dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false,
      lookupUser,
      currentUser,
      hostname: () => os.hostname(),
    });
  } catch (error) {
    if (!(error instanceof AgentConfigError)) throw error;
    process.stderr.write(`pharos-agent: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  const log = createLogger(config.logLevel);
  const pty = config.terminal.enabled ? loadNodePty() : { unavailable: 'disabled' };
  const agent = new Agent({ config, log, context: executionContext(config, currentUser(), process.env), pty, ca: trustedCertificates(config.caFile) });
  describe(config, agent, pty, log);
  agent.start();
  const stop = (signal: string) => {
    log.info('stopping', { signal });
    void agent.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** The system's roots plus the given file: passing `ca` alone to TLS would replace them. */
function trustedCertificates(caFile: string | null): string[] | undefined {
  return caFile ? [...tls.rootCertificates, readFileSync(caFile, 'utf8')] : undefined;
}

/** One line of what this agent will and will not do, for whoever reads its log. */
function describe(config: AgentConfig, agent: Agent, pty: ReturnType<typeof loadNodePty>, log: Logger): void {
  const user = config.runAs?.name ?? currentUser().name;
  log.info(`pharos-agent ${AGENT_VERSION}`, {
    url: config.url,
    hostname: config.hostname,
    commands: config.commands.enabled ? `as ${user} in ${config.workdir}` : 'off',
    docker: config.docker.enabled ? config.docker.socketPath : 'off',
    terminal: !config.terminal.enabled ? 'off' : typeof pty === 'function' ? `${config.terminal.shell} as ${user}` : `unavailable: ${pty.unavailable}`,
    capabilities: agent.capabilities().join(',') || 'none',
  });
}

function usage(): string {
  const rows = AGENT_OPTIONS.map((o) => {
    const flag = o.kind === 'switch' ? `--no-${o.name}` : `--${o.name} <${o.kind === 'string' ? 'value' : o.kind}>`;
    const fallback = o.default !== undefined && o.kind !== 'switch' ? ` (default ${o.default})` : '';
    return `  ${flag.padEnd(34)} ${o.env.padEnd(30)} ${o.help}${fallback}`;
  });
  return [
    `pharos-agent ${AGENT_VERSION}: the Pharos host agent`,
    '',
    'Usage: pharos-agent --url <pharos url> --key <pak_…> [options]',
    '       pharos-agent --config /etc/pharos-agent/config.json',
    '',
    'Options (flag, environment variable; a config file takes each as camelCase JSON, e.g. "commandTimeout"):',
    `  ${'--config <file>'.padEnd(34)} ${'PHAROS_AGENT_CONFIG'.padEnd(30)} a JSON config file`,
    ...rows,
    '',
  ].join('\n');
}

main(process.argv.slice(2));
