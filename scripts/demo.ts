/**
 * `npm run demo`: Pharos on the embedded default (data in ./data-demo) with a simulated
 * fleet of Ithiltir nodes, agents and Lightd daemons (with live consoles), so a newcomer sees
 * a living dashboard in one command. Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startFleet, statusLine } from '../apps/simulator/src';

const ROOT = path.resolve(__dirname, '..');
const PORT = process.env.PORT ?? '8080';
const URL_BASE = `http://localhost:${PORT}`;
const PASSWORD = process.env.PHAROS_ADMIN_PASSWORD ?? 'pharos-demo-admin';

async function waitReady(deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${URL_BASE}/readyz`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('Pharos did not become ready');
}

async function main(): Promise<void> {
  const server = spawn(process.execPath, [path.join(ROOT, 'dist/apps/server/src/main.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT, PHAROS_DATA_DIR: process.env.PHAROS_DATA_DIR ?? path.join(ROOT, 'data-demo'), PHAROS_ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  server.on('exit', (code) => {
    console.error(`Pharos exited (${code})`);
    process.exit(code ?? 1);
  });
  await waitReady(Date.now() + 120_000);
  const fleet = await startFleet({
    url: URL_BASE,
    adminPassword: PASSWORD,
    nodes: Number(process.env.DEMO_NODES ?? 12),
    agents: Number(process.env.DEMO_AGENTS ?? 12),
    daemons: Number(process.env.DEMO_DAEMONS ?? 4),
    namePrefix: 'demo',
  });
  console.log(`\nPharos demo: open ${URL_BASE} and sign in as admin / ${PASSWORD}\n(the admin password is the one of the first start of ./data-demo)\n`);
  const started = Date.now();
  const timer = setInterval(() => process.stdout.write(`\r${statusLine(fleet.stats, (Date.now() - started) / 1000)}   `), 2000);
  const stop = async () => {
    clearInterval(timer);
    await fleet.stop();
    server.removeAllListeners('exit');
    server.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
