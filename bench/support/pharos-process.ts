import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { AdminClient } from '../../apps/simulator/src/admin-client';

export const ROOT = path.resolve(__dirname, '..', '..');
/** The built server; PHAROS_BENCH_MAIN_JS points at another build (e.g. a copy of dist/). */
export const MAIN_JS = process.env.PHAROS_BENCH_MAIN_JS ?? path.join(ROOT, 'dist', 'apps', 'server', 'src', 'main.js');
export const ADMIN_PASSWORD = 'bench-admin-password';
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function waitForHttp(url: string, timeoutMs = 60_000, intervalMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/**
 * The open-files limit to give a process that holds many sockets: `wanted`, or the hard limit
 * when that is lower (raising it takes privileges a container may not have).
 */
export function openFilesLimit(wanted: number): number {
  const hard = spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim();
  return hard === 'unlimited' || !Number.isFinite(Number(hard)) ? wanted : Math.min(wanted, Number(hard));
}

/** Resident memory (bytes) and CPU time used so far (seconds) of a process, from /proc. */
export function processUsage(pid: number): { rssBytes: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  return { rssBytes: rssKb * 1024, cpuSeconds: ticks / 100 };
}

/** The databases `createBenchDatabase` made in this process (for `PHAROS_BENCH_PG_CPU=database`). */
const benchDatabases = new Set<string>();
/** CPU ticks last seen of each PostgreSQL process of those databases, by pid and start time (ended ones kept). */
const benchDatabaseTicks = new Map<string, number>();
let benchDatabasePoll: NodeJS.Timeout | undefined;

/** The CPU ticks (user + system) of each PostgreSQL process, optionally only those serving `databases`, by pid and start time. */
function postgresTicks(databases?: Set<string>): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      if (databases) {
        // A backend's title: `postgres: <cluster>: <user> <database> <client> <state>`.
        const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        if (!title.split(' ').some((word) => databases.has(word))) continue;
      }
      const fields = stat.split(') ')[1]!.split(' ');
      // Keyed by pid and start time: a pid the system gives again is another process.
      ticks.set(`${pid}@${fields[19]}`, Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks;
}

function pollBenchDatabases(): void {
  for (const [pid, ticks] of postgresTicks(benchDatabases)) benchDatabaseTicks.set(pid, ticks);
}

/**
 * CPU seconds used so far by every PostgreSQL process of this machine (the benchmarks' database
 * is local). With `PHAROS_BENCH_PG_CPU=database`, only by the processes serving the databases
 * this run made (backends and autovacuum workers, by their process title; polled every 100 ms
 * so that a backend that ends between two readings still counts, up to its last 100 ms): on a
 * machine where others use the same PostgreSQL the figure is then this run's own, without the
 * WAL writer and checkpointer, which serve every database.
 */
export function postgresCpuSeconds(): number {
  if (process.env.PHAROS_BENCH_PG_CPU === 'database' && benchDatabases.size > 0) {
    benchDatabasePoll ??= setInterval(pollBenchDatabases, 100).unref();
    pollBenchDatabases();
    let ticks = 0;
    for (const value of benchDatabaseTicks.values()) ticks += value;
    return ticks / 100;
  }
  let ticks = 0;
  for (const value of postgresTicks().values()) ticks += value;
  return ticks / 100;
}

/** A Pharos server process started from the build (`npm run build` first), measured from outside. */
export class PharosProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    readonly output: { text: string },
  ) {}

  static async start(env: Record<string, string> = {}, options: { dataDir?: string; maxOpenFiles?: number } = {}): Promise<PharosProcess> {
    const port = await freePort();
    const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'pharos-bench-'));
    const output = { text: '' };
    // PHAROS_BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, profiles Pharos under a benchmark's load.
    const nodeArgs = (process.env.PHAROS_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const command = [process.execPath, ...nodeArgs, MAIN_JS];
    // prlimit execs the command, so the child's pid is Pharos's own.
    if (options.maxOpenFiles) command.unshift('prlimit', `--nofile=${options.maxOpenFiles}:${options.maxOpenFiles}`);
    const child = spawn(command[0]!, command.slice(1), {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        PHAROS_DATA_DIR: dataDir,
        PHAROS_ADMIN_PASSWORD: ADMIN_PASSWORD,
        PHAROS_WEB_DIR: 'none',
        LOG_LEVEL: process.env.PHAROS_BENCH_LOG_LEVEL ?? 'warn',
        // Every simulated host of a benchmark connects from 127.0.0.1, as a fleet behind one NAT would.
        MAX_CONNECTIONS_PER_ADDRESS: '1000000',
        // PHAROS_BENCH_ENV="NAME=value …": settings for an experiment, e.g. METRICS_ROLLUP_FLUSH_SECONDS=3600.
        ...Object.fromEntries((process.env.PHAROS_BENCH_ENV ?? '').split(' ').filter(Boolean).map((pair) => [pair.split('=')[0]!, pair.slice(pair.indexOf('=') + 1)])),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output.text += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output.text += d.toString()));
    const proc = new PharosProcess(child, `http://127.0.0.1:${port}`, dataDir, !options.dataDir, output);
    await waitForHttp(`${proc.baseUrl}/readyz`).catch((error: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${error.message}\n${output.text}`);
    });
    return proc;
  }

  async token(username = 'admin', password = ADMIN_PASSWORD): Promise<string> {
    const res = await fetch(`${this.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!res.ok) throw new Error(`login failed: ${res.status}`);
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  /** The simulator's admin API client, logged in as the admin (to enrol nodes and daemons). */
  async admin(): Promise<AdminClient> {
    const client = new AdminClient(this.baseUrl, 'admin', ADMIN_PASSWORD);
    await client.login();
    return client;
  }

  /** Resident memory (bytes) and CPU time used so far (seconds), from /proc. */
  usage(): { rssBytes: number; cpuSeconds: number } {
    return processUsage(this.child.pid!);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    // PHAROS_BENCH_OUTPUT=<file>: keep what Pharos printed (e.g. with PHAROS_BENCH_LOG_LEVEL=debug).
    if (process.env.PHAROS_BENCH_OUTPUT) appendFileSync(process.env.PHAROS_BENCH_OUTPUT, this.output.text);
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A fresh Postgres database for one benchmark, dropped by the returned function. */
export async function createBenchDatabase(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const name = `pharos_bench_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  benchDatabases.add(name);
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: ADMIN_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
