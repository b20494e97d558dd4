/**
 * `npm run simulate -- --url http://127.0.0.1:8080 --admin-password … --agents 50 --daemons 5 --nodes 20`
 * plays a fleet against a running Pharos until Ctrl-C or `--duration` seconds. See ../README.md.
 */
import { parseArgs } from 'node:util';
import { startFleet } from './fleet';
import { statusLine } from './stats';

const HELP = `Usage: npm run simulate -- [options]

  --url URL               Pharos base URL (default http://127.0.0.1:8080)
  --admin-user NAME       admin to enrol the fleet with (default admin)
  --admin-password PW     its password (or PHAROS_ADMIN_PASSWORD)
  --agents N              agents (WebSocket, metrics every 5 s)          default 0
  --nodes N               Ithiltir nodes (HTTP reports at their interval) default 0
  --daemons N             Lightd daemons (health, container lifecycles)  default 0
  --containers N          containers per daemon                           default 3
  --duration S            stop after S seconds (default: run until Ctrl-C)
  --console-port P        first port of the daemons' Lightd v2 APIs (default: any free port)
  --no-console            containers print no console lines or stats
  --agent-interval S      agents' metrics interval                         default 5
  --node-interval S       nodes' report interval                           default 3
  --lifecycle S           mean seconds between container lifecycle events default 45
  --failure-rate F        chance an install fails                          default 0.1
  --name-prefix P         prefix of the names created in Pharos (default sim-<random>)
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      'admin-user': { type: 'string', default: 'admin' },
      'admin-password': { type: 'string' },
      agents: { type: 'string', default: '0' },
      nodes: { type: 'string', default: '0' },
      daemons: { type: 'string', default: '0' },
      containers: { type: 'string', default: '3' },
      duration: { type: 'string' },
      'console-port': { type: 'string' },
      'no-console': { type: 'boolean', default: false },
      'agent-interval': { type: 'string', default: '5' },
      'node-interval': { type: 'string', default: '3' },
      lifecycle: { type: 'string', default: '45' },
      'failure-rate': { type: 'string', default: '0.1' },
      'name-prefix': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const number = (name: string, text: string | undefined, min = 0): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}`);
    return n;
  };
  const password = values['admin-password'] ?? process.env.PHAROS_ADMIN_PASSWORD;
  if (!password) throw new Error('--admin-password (or PHAROS_ADMIN_PASSWORD) is required');
  const duration = number('duration', values.duration);
  const interactive = process.stdout.isTTY;
  const started = Date.now();

  const fleet = await startFleet({
    url: values.url,
    adminUsername: values['admin-user'],
    adminPassword: password,
    agents: number('agents', values.agents),
    nodes: number('nodes', values.nodes),
    daemons: number('daemons', values.daemons),
    containersPerDaemon: number('containers', values.containers, 1),
    console: !values['no-console'],
    consolePort: number('console-port', values['console-port'], 1),
    agentIntervalSeconds: number('agent-interval', values['agent-interval'], 0.1),
    nodeIntervalSeconds: number('node-interval', values['node-interval'], 0.1),
    lifecycleIntervalSeconds: number('lifecycle', values.lifecycle, 1),
    failureRate: number('failure-rate', values['failure-rate']),
    namePrefix: values['name-prefix'],
    onProgress: (message) => console.log(`simulator: ${message}`),
  });
  for (const d of fleet.daemons) console.log(`simulator: daemon ${d.name} (Lightd v2 API and container sockets) at ${d.apiUrl}`);

  const print = (final = false) => {
    const line = statusLine(fleet.stats, (Date.now() - started) / 1000);
    if (interactive && !final) process.stdout.write(`\r\x1b[K${line.slice(0, (process.stdout.columns || 200) - 1)}`);
    else console.log(line);
  };
  const ticker = setInterval(print, interactive ? 1000 : 10_000);
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(ticker);
    if (interactive) process.stdout.write('\n');
    console.log(`simulator: stopping (${why})`);
    await fleet.stop();
    print(true);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (duration !== undefined) setTimeout(() => void stop(`${duration} s elapsed`), duration * 1000);
}

main().catch((error: unknown) => {
  console.error(`simulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
