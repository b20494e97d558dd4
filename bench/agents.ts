import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import WebSocket from 'ws';
import { hashSecret } from '../apps/server/src/platform/secrets/secret-token';
import { BareWsServer } from './support/bare-ws-server';
import { createBenchDatabase, openFilesLimit, PharosProcess, processUsage, ROOT } from './support/pharos-process';
import { type BenchResult, type BenchRow, machine, percentile } from './support/report';
import { STORED_SAMPLES_SQL } from './support/stored-samples';

const MAX_OPEN_FILES = openFilesLimit(65_536);

interface ClientOutcome {
  connected: number;
  authenticated: number;
  refused: number;
  droppedEarly: number;
  sent: number;
  errors: string[];
  rampMs: number;
  holdMs: number;
}

interface RunOutcome {
  client: ClientOutcome;
  latencies: number[];
  peakRssBytes: number;
  /** Peak RSS of each measured process (one per instance). */
  peakRssPerProcess: number[];
  /** CPU seconds per wall second during the hold (1 = one core busy). */
  holdCpuCores: number;
}

interface RunOptions {
  baseUrl: string;
  pid: number;
  keys: string[];
  /** Server ids each browser watches (one metrics socket each), with its access token. */
  browsers: { token: string; watched: string[]; baseUrl?: string }[];
  rampPerSecond: number;
  holdMs: number;
  intervalMs: number;
  dir: string;
  /** More instances (cluster): each gets its own agents client with its own keys; all pids sampled. */
  more?: { baseUrl: string; pid: number; keys: string[] }[];
}

/** Runs the agents client process(es) against the server(s) while browsers watch and /proc is sampled. */
async function run(options: RunOptions): Promise<RunOutcome> {
  const ws = (url: string) => url.replace(/^http/, 'ws');
  // A few browsers, each with a handful of metrics sockets (the live views of a dashboard).
  const latencies: number[] = [];
  const sockets = options.browsers.flatMap((b) => b.watched.map((serverId) => ({ serverId, token: b.token, wsUrl: ws(b.baseUrl ?? options.baseUrl) })));
  const browsers = await Promise.all(
    sockets.map(
      ({ serverId, token, wsUrl }) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(`${wsUrl}/api/v1/ws/metrics/${serverId}`);
          ws.on('open', () => {
            ws.send(JSON.stringify({ type: 'auth', token }));
            resolve(ws);
          });
          ws.on('error', reject);
          ws.on('message', (data) => {
            const message = JSON.parse(data.toString()) as { type: string; data?: { timestamp?: string } };
            if (message.type === 'metrics' && message.data?.timestamp) latencies.push(Date.now() - Date.parse(message.data.timestamp));
          });
        }),
    ),
  );
  const targets = [{ baseUrl: options.baseUrl, pid: options.pid, keys: options.keys }, ...(options.more ?? [])];
  const peaks = targets.map(() => 0);
  const samples: { at: number; cpu: number }[] = [];
  const sampler = setInterval(() => {
    try {
      let cpu = 0;
      targets.forEach((t, i) => {
        const u = processUsage(t.pid);
        peaks[i] = Math.max(peaks[i]!, u.rssBytes);
        cpu += u.cpuSeconds;
      });
      samples.push({ at: Date.now(), cpu });
    } catch {
      // the process ended
    }
  }, 500);
  const outcomes = await Promise.all(
    targets.map((t, i) => {
      const planFile = path.join(options.dir, `plan-${Date.now()}-${i}.json`);
      writeFileSync(planFile, JSON.stringify({ wsUrl: ws(t.baseUrl), keys: t.keys, rampPerSecond: options.rampPerSecond / targets.length, holdMs: options.holdMs, intervalMs: options.intervalMs }));
      return runClient(planFile);
    }),
  );
  const client = outcomes.reduce((sum, o) => ({
    connected: sum.connected + o.connected,
    authenticated: sum.authenticated + o.authenticated,
    refused: sum.refused + o.refused,
    droppedEarly: sum.droppedEarly + o.droppedEarly,
    sent: sum.sent + o.sent,
    errors: [...sum.errors, ...o.errors],
    rampMs: Math.max(sum.rampMs, o.rampMs),
    holdMs: Math.max(sum.holdMs, o.holdMs),
  }));
  clearInterval(sampler);
  for (const b of browsers) b.close();
  // CPU during the hold: from the end of the ramp to the end of the run.
  const holdStart = samples.find((s) => s.at >= samples[0]!.at + client.rampMs) ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const holdCpuCores = (last.cpu - holdStart.cpu) / Math.max(0.001, (last.at - holdStart.at) / 1000);
  latencies.sort((a, b) => a - b);
  return { client, latencies, peakRssBytes: Math.max(...peaks), peakRssPerProcess: peaks, holdCpuCores };
}

/** One agents client process (its own event loop) running a plan; resolves with what it did. */
function runClient(planFile: string): Promise<ClientOutcome> {
  return new Promise<ClientOutcome>((resolve, reject) => {
    const child = spawn(
      'prlimit',
      [`--nofile=${MAX_OPEN_FILES}:${MAX_OPEN_FILES}`, path.join(ROOT, 'node_modules', '.bin', 'tsx'), path.join(__dirname, 'support', 'agents-client.ts')],
      { cwd: ROOT, env: { ...process.env, AGENTS_CLIENT_PLAN: planFile }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop();
      if (!line) reject(new Error(`agents client exited ${code} without a result`));
      else resolve(JSON.parse(line) as ClientOutcome);
    });
  });
}

/** Inserts `count` agent servers and one key each (the admin API would take minutes for 10,000). */
async function provision(sql: Client, count: number): Promise<{ keys: string[]; serverIds: string[] }> {
  const serverIds = Array.from({ length: count }, () => randomUUID());
  const keys = serverIds.map(() => `pak_${randomBytes(32).toString('base64url')}`);
  for (let i = 0; i < count; i += 2000) {
    const ids = serverIds.slice(i, i + 2000);
    const ks = keys.slice(i, i + 2000);
    await sql.query(
      `INSERT INTO "Server" ("id", "name", "source", "updatedAt") SELECT id, 'bench-agent-' || n, 'agent', now() FROM unnest($1::uuid[]) WITH ORDINALITY AS v(id, n)`,
      [ids],
    );
    await sql.query(
      `INSERT INTO "AgentApiKey" ("id", "serverId", "prefix", "keyHash") SELECT gen_random_uuid(), s, left(k, 12), h FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(s, k, h)`,
      [ids, ks, ks.map((k) => hashSecret(k))],
    );
  }
  return { keys, serverIds };
}

/**
 * The same load on two Pharos instances over one PostgreSQL and Redis (cluster mode): half the
 * agents on each, and every browser on the instance that does NOT hold the agents it watches,
 * so each delivery crosses instances through Redis.
 */
async function twoInstances(o: {
  db: { url: string };
  sql: Client;
  keys: string[];
  serverIds: string[];
  count: number;
  rampPerSecond: number;
  holdMs: number;
  intervalMs: number;
  dir: string;
  notes: string[];
}): Promise<BenchRow[]> {
  const half = o.count / 2;
  const prefix = `pharos-bench-${randomBytes(4).toString('hex')}:`;
  const redisUrl = process.env.PHAROS_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const env = { DATABASE_URL: o.db.url, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, JWT_SECRET: randomBytes(32).toString('hex'), PHAROS_SECRET_KEY: randomBytes(32).toString('hex') };
  console.log(`  two Pharos instances (Redis): ${half} agents on each, browsers on the other`);
  const a = await PharosProcess.start({ ...env, PHAROS_INSTANCE_ID: 'bench-a' }, { maxOpenFiles: MAX_OPEN_FILES });
  const b = await PharosProcess.start({ ...env, PHAROS_INSTANCE_ID: 'bench-b' }, { maxOpenFiles: MAX_OPEN_FILES }).catch(async (error: unknown) => {
    await a.stop();
    throw error;
  });
  const redis = new Redis(redisUrl);
  try {
    const stored = async () => Number((await o.sql.query<{ n: string }>(STORED_SAMPLES_SQL)).rows[0]!.n);
    const before = await stored();
    const users: [string, string][] = [['admin', ''], ...[1, 2, 3].map((i): [string, string] => [`bench-viewer-${i}`, `bench-viewer-password-${i}`])];
    // Browsers 0 and 1 on B watch agents of A; 2 and 3 on A watch agents of B.
    const browsers = await Promise.all(
      users.map(async ([username, password], i) => ({
        token: await a.token(username, ...(password ? [password] : [])),
        baseUrl: i < 2 ? b.baseUrl : a.baseUrl,
        watched: i < 2 ? o.serverIds.slice(i * 20, i * 20 + 20) : o.serverIds.slice(half + (i - 2) * 20, half + (i - 2) * 20 + 20),
      })),
    );
    const measured = await run({
      baseUrl: a.baseUrl,
      pid: a.child.pid!,
      keys: o.keys.slice(0, half),
      more: [{ baseUrl: b.baseUrl, pid: b.child.pid!, keys: o.keys.slice(half) }],
      browsers,
      rampPerSecond: o.rampPerSecond,
      holdMs: o.holdMs,
      intervalMs: o.intervalMs,
      dir: o.dir,
    });
    let persisted = 0;
    for (let i = 0; i < 40; i++) {
      const n = (await stored()) - before;
      if (n === persisted && n >= measured.client.sent) break;
      persisted = n;
      await new Promise((r) => setTimeout(r, 500));
    }
    const c = measured.client;
    const drops = c.sent - persisted + c.droppedEarly;
    const p99 = percentile(measured.latencies, 99);
    const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
    o.notes.push(
      `two instances: ${c.authenticated} authenticated (${half} per instance), ${c.droppedEarly} dropped while sending; ${c.sent} metrics sent, ${persisted} stored, ${measured.latencies.length} delivered to browsers on the other instance; CPU of both ${measured.holdCpuCores.toFixed(2)} cores`,
    );
    return [
      { metric: '2 instances: authenticated', value: c.authenticated, unit: 'agents', goal: `${o.count}`, met: c.authenticated === o.count },
      { metric: '2 instances: persisted / sent', value: `${persisted} / ${c.sent}`, goal: 'equal, 0 drops', met: drops === 0 && persisted === c.sent },
      { metric: '2 instances: metric → browser p50 (cross-instance)', value: percentile(measured.latencies, 50), unit: 'ms' },
      { metric: '2 instances: metric → browser p99 (cross-instance)', value: p99, unit: 'ms', goal: '≤ 100 ms + one hop', met: p99 <= 110 },
      { metric: '2 instances: peak RSS per instance', value: measured.peakRssPerProcess.map(mib).join(' / '), unit: 'MiB', goal: '≤ 1024 MiB each', met: measured.peakRssPerProcess.every((r) => r <= 2 ** 30) },
    ];
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

/**
 * Agents: ramp to N authenticated agent connections (10,000; 1,000 with --quick), each sending
 * metrics every 5 s, from a separate client process, while four browsers watch 80 servers'
 * metrics sockets. Reports Pharos's peak RSS and CPU, metrics persisted vs sent, and
 * metric→browser latency; the same clients against a bare `ws` server that only parses and
 * relays are the baseline. Then the same load on two instances in cluster mode (`twoInstances`).
 */
export async function agents(quick: boolean): Promise<BenchResult> {
  const count = quick ? 1000 : 10_000;
  const rampPerSecond = 250;
  const holdMs = quick ? 12_000 : 45_000;
  const intervalMs = 5000;
  const db = await createBenchDatabase();
  if (!db) throw new Error('the agents benchmark needs PostgreSQL (TEST_DATABASE_URL)');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pharos-bench-agents-'));
  const pharos = await PharosProcess.start({ DATABASE_URL: db.url }, { maxOpenFiles: MAX_OPEN_FILES }).catch(async (error: unknown) => {
    await db.drop(); // a Pharos that never started leaves no database behind
    throw error;
  });
  const sql = new Client({ connectionString: db.url });
  await sql.connect();
  const notes: string[] = [];
  try {
    const token = await pharos.token();
    const { keys, serverIds } = await provision(sql, count);
    // Four browsers (the admin and three viewers), each with 20 servers' live views open
    // (20 is the per-user socket cap): 80 watched servers, enough deliveries for a p99.
    const tokens = [token];
    for (let i = 1; i <= 3; i++) {
      const username = `bench-viewer-${i}`;
      const password = `bench-viewer-password-${i}`;
      const created = await fetch(`${pharos.baseUrl}/api/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ username, password, role: 'viewer' }),
      });
      if (created.status !== 201) throw new Error(`create ${username}: ${created.status} ${await created.text()}`);
      tokens.push(await pharos.token(username, password));
    }
    const browsers = tokens.map((t, i) => ({ token: t, watched: serverIds.slice(i * 20, i * 20 + 20) }));
    const common = { keys, browsers, rampPerSecond, holdMs, intervalMs, dir };

    console.log(`  bare ws server: ${count} agents`);
    const keyToServer = Object.fromEntries(keys.map((k, i) => [k, serverIds[i]!]));
    const bare = await BareWsServer.start(keyToServer, MAX_OPEN_FILES, dir);
    let baseline: RunOutcome;
    try {
      baseline = await run({ ...common, baseUrl: bare.baseUrl, pid: bare.child.pid! });
    } finally {
      await bare.stop();
    }

    console.log(`  Pharos: ${count} agents`);
    const measured = await run({ ...common, baseUrl: pharos.baseUrl, pid: pharos.child.pid! });
    // Every sample the client sent must be stored: wait for the last ones to land.
    let persisted = 0;
    for (let i = 0; i < 40; i++) {
      const { rows } = await sql.query<{ n: string }>(STORED_SAMPLES_SQL);
      const n = Number(rows[0]!.n);
      if (n === persisted && n >= measured.client.sent) break;
      persisted = n;
      await new Promise((r) => setTimeout(r, 500));
    }
    const c = measured.client;
    const p50 = percentile(measured.latencies, 50);
    const p99 = percentile(measured.latencies, 99);
    const b50 = percentile(baseline.latencies, 50);
    const b99 = percentile(baseline.latencies, 99);
    const mib = (b: number) => Math.round(b / 2 ** 20);
    const drops = c.sent - persisted + c.droppedEarly;
    notes.push(
      `${count} agents ramped at ${rampPerSecond}/s (Pharos: all authenticated in ${(c.rampMs / 1000).toFixed(1)} s), held ${holdMs / 1000} s, metrics every ${intervalMs / 1000} s, 4 browsers × 20 metrics sockets`,
      `Pharos: ${c.authenticated} authenticated, ${c.refused} refused, ${c.droppedEarly} dropped while sending; ${c.sent} metrics sent, ${persisted} stored, ${measured.latencies.length} delivered to browsers`,
      `bare: ${baseline.client.authenticated} authenticated, ${baseline.client.sent} sent, ${baseline.latencies.length} delivered`,
      ...(c.errors.length ? [`client errors: ${c.errors.slice(0, 3).join('; ')}`] : []),
    );
    const rows: BenchRow[] = [
      { metric: 'authenticated connections', value: c.authenticated, unit: 'agents', baseline: baseline.client.authenticated, goal: `${count}`, met: c.authenticated === count },
      { metric: 'peak RSS', value: mib(measured.peakRssBytes), unit: 'MiB', baseline: mib(baseline.peakRssBytes), ratio: measured.peakRssBytes / baseline.peakRssBytes, goal: '≤ 1024 MiB', met: measured.peakRssBytes <= 2 ** 30 },
      { metric: 'CPU during hold', value: measured.holdCpuCores, unit: 'cores', baseline: baseline.holdCpuCores, ratio: measured.holdCpuCores / baseline.holdCpuCores },
      { metric: 'metrics persisted / sent', value: `${persisted} / ${c.sent}`, goal: 'equal, 0 drops', met: drops === 0 && persisted === c.sent },
      { metric: 'metric → browser p50', value: p50, unit: 'ms', baseline: b50, ratio: p50 / Math.max(b50, 1) },
      { metric: 'metric → browser p99', value: p99, unit: 'ms', baseline: b99, ratio: p99 / Math.max(b99, 1), goal: '≤ 100 ms', met: p99 <= 100 },
    ];
    await pharos.stop();
    rows.push(...(await twoInstances({ db, sql, keys, serverIds, count, rampPerSecond, holdMs, intervalMs, dir, notes })));
    return { name: 'agents', title: `Agents: ${count.toLocaleString('en')} WebSocket agents, metrics every 5 s, browsers watching (PostgreSQL)`, quick, startedAt: new Date().toISOString(), machine: machine(), rows, notes };
  } finally {
    await sql.end();
    await pharos.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
