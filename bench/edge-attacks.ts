/**
 * `npx tsx bench/edge-attacks.ts [--seconds 15]`: the network-edge attacks of issue 17 (points
 * 2 and 3) against a built Pharos (`npm run build:server`; PHAROS_BENCH_MAIN_JS names another
 * build) on a fresh PostgreSQL database, loopback only, bounded in time:
 *
 * 1. Ingest: 50 Ithiltir nodes' reports over 16 connections (closed loop) for the given time,
 *    alone, then beside two connections (each its own process) posting 1 MiB of nested JSON
 *    (`[[[…]]]`) without credentials — to `/api/v1/auth/login`, then to `/api/node/metrics`. Reported: reports
 *    answered 200 per 15 s in each case (goal: ≥ 90 % of the rate alone).
 * 2. Slow connections: 70 that never send a byte, 70 whose headers trickle in (a header line
 *    every 2 s), 70 whose body trickles in (a byte every 2 s): how many the server closed,
 *    and when, within 45 s.
 * 3. Ping flood: 4 unauthenticated agent sockets sending pings without reading the pongs for
 *    8 s: Pharos's RSS before and after, and whether the sockets were closed.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { AGENT_WS_PATH } from '@pharos/protocol';
import WebSocket from 'ws';
import { createNodes, nodeReportRequests } from './node-ingest';
import { closedLoop } from './support/http-load';
import { createBenchDatabase, PharosProcess } from './support/pharos-process';

const NODES = 50;
const INGEST_CONNECTIONS = 16;
const SLOW_EACH = 70;
const SLOW_WAIT_MS = 45_000;
const FLOOD_SOCKETS = 4;
const FLOOD_MS = 8000;

/**
 * Each attacker runs in a process of its own, so that pushing 1 MiB bodies does not slow the
 * ingest load generator's event loop (which would be counted as the server slowing down).
 * It posts 1 MiB of `[` then `]` (the deepest JSON the default body limit lets through) to
 * `path` without credentials, again and again, and prints its answers by status.
 */
const ATTACKER = `
const http = require('node:http');
const [baseUrl, path, until] = process.argv.slice(1);
const base = new URL(baseUrl);
const body = Buffer.from('['.repeat(512 * 1024) + ']'.repeat(512 * 1024));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const statuses = {};
(async () => {
  while (Date.now() < Number(until)) {
    const status = await new Promise((resolve) => {
      const r = http.request({ agent, host: base.hostname, port: base.port, method: 'POST', path, headers: { 'content-type': 'application/json', 'content-length': body.length }, timeout: 30000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode || 0));
        res.on('error', () => resolve(0));
      });
      r.on('error', () => resolve(0));
      r.on('timeout', () => r.destroy());
      r.end(body);
    });
    statuses[status] = (statuses[status] || 0) + 1;
  }
  process.stdout.write(JSON.stringify(statuses));
  process.exit(0);
})();
`;

function attacker(baseUrl: string, path: string, until: number): Promise<Record<number, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ATTACKER, baseUrl, path, String(until)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', () => resolve(out ? (JSON.parse(out) as Record<number, number>) : {}));
  });
}

async function ingestUnder(pharos: PharosProcess, next: ReturnType<typeof nodeReportRequests>, seconds: number, attackPath?: string) {
  const cpuBefore = pharos.usage().cpuSeconds;
  const until = Date.now() + seconds * 1000;
  const attacks = attackPath ? [attacker(pharos.baseUrl, attackPath, until), attacker(pharos.baseUrl, attackPath, until)] : [];
  const [load, ...attackStatuses] = await Promise.all([
    closedLoop({ baseUrl: pharos.baseUrl, connections: INGEST_CONNECTIONS, durationMs: seconds * 1000, maxRequests: 10_000_000, next }),
    ...attacks,
  ]);
  // Pharos's own CPU share (of one core) over the run: what the attack costs the server itself.
  const pharosCpu = Math.round(((pharos.usage().cpuSeconds - cpuBefore) / seconds) * 100);
  return { okPer15s: Math.round((load.ok / seconds) * 15), statuses: load.statuses, attack: attackStatuses, pharosCpuPercent: pharosCpu };
}

/** Slow and idle connections: how many the server closed within SLOW_WAIT_MS, and when the last one went. */
async function slowConnections(pharos: PharosProcess) {
  const base = new URL(pharos.baseUrl);
  const kinds = {
    idle: () => undefined,
    slowHeaders: (s: net.Socket) => {
      s.write('GET /healthz HTTP/1.1\r\nHost: pharos\r\n');
      return setInterval(() => s.write('X-Slow: 1\r\n'), 2000);
    },
    slowBody: (s: net.Socket) => {
      s.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: pharos\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
      return setInterval(() => s.write(' '), 2000);
    },
  };
  const started = Date.now();
  const outcome: Record<string, { closed: number; lastClosedMs: number }> = {};
  await Promise.all(
    Object.entries(kinds).map(async ([kind, start]) => {
      outcome[kind] = { closed: 0, lastClosedMs: 0 };
      const sockets = Array.from({ length: SLOW_EACH }, () => {
        const s = net.connect(Number(base.port), base.hostname);
        s.on('error', () => undefined);
        s.resume(); // reads what the server sends, so that its closing is seen
        let timer: NodeJS.Timeout | undefined;
        s.on('connect', () => (timer = start(s) ?? undefined));
        return new Promise<void>((resolve) => {
          const giveUp = setTimeout(() => {
            clearInterval(timer);
            s.destroy();
            resolve();
          }, SLOW_WAIT_MS);
          s.on('close', () => {
            clearTimeout(giveUp);
            clearInterval(timer);
            if (Date.now() - started < SLOW_WAIT_MS) {
              outcome[kind]!.closed++;
              outcome[kind]!.lastClosedMs = Date.now() - started;
            }
            resolve();
          });
        });
      });
      await Promise.all(sockets);
    }),
  );
  return outcome;
}

/** Unauthenticated agent sockets pinging without reading: RSS before and after, sockets closed. */
async function pingFlood(pharos: PharosProcess) {
  const rssBefore = pharos.usage().rssBytes;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, pharos.usage().rssBytes)), 250);
  const payload = Buffer.alloc(125, 1);
  let closed = 0;
  let pings = 0;
  const until = Date.now() + FLOOD_MS;
  await Promise.all(
    Array.from(
      { length: FLOOD_SOCKETS },
      () =>
        new Promise<void>((resolve) => {
          const ws = new WebSocket(`${pharos.baseUrl.replace(/^http/, 'ws')}${AGENT_WS_PATH}`, { perMessageDeflate: false });
          ws.on('error', () => undefined);
          ws.on('close', () => {
            if (Date.now() < until) closed++;
            resolve();
          });
          ws.on('open', () => {
            const raw = (ws as unknown as { _socket: net.Socket })._socket;
            raw.pause(); // never reads what Pharos sends back
            const flood = () => {
              if (Date.now() >= until || raw.destroyed) {
                ws.terminate();
                return;
              }
              // Keep our own send queue short: the point is what piles up on the server's side.
              if (raw.writableLength < 1024 * 1024) for (let i = 0; i < 500; i++, pings++) ws.ping(payload);
              setImmediate(flood);
            };
            flood();
          });
        }),
    ),
  );
  clearInterval(sampler);
  const rssAfter = pharos.usage().rssBytes;
  const mib = (n: number) => Math.round(n / 2 ** 20);
  return { rssBeforeMiB: mib(rssBefore), rssPeakMiB: mib(Math.max(rssPeak, rssAfter)), rssAfterMiB: mib(rssAfter), pings, socketsClosedByServer: closed };
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--seconds');
  const seconds = at >= 0 ? Number(process.argv[at + 1]) : 15;
  if (!(seconds > 0 && seconds <= 120)) throw new Error('--seconds: from 1 to 120');
  const database = await createBenchDatabase();
  if (!database) throw new Error('the edge attacks need PostgreSQL (TEST_DATABASE_URL)');
  let pharos: PharosProcess | undefined;
  try {
    pharos = await PharosProcess.start({ DATABASE_URL: database.url });
    const next = nodeReportRequests(await createNodes(pharos, NODES), 'small');
    await ingestUnder(pharos, next, 3); // warm-up
    const alone = await ingestUnder(pharos, next, seconds);
    const viaLogin = await ingestUnder(pharos, next, seconds, '/api/v1/auth/login');
    const viaNode = await ingestUnder(pharos, next, seconds, '/api/node/metrics');
    const slow = await slowConnections(pharos);
    const flood = await pingFlood(pharos);
    const pct = (n: number) => `${Math.round((n / Math.max(1, alone.okPer15s)) * 100)} %`;
    console.log(
      [
        `Ingest (${NODES} nodes, ${INGEST_CONNECTIONS} connections, ${seconds} s each), reports answered 200 per 15 s:`,
        `  alone: ${alone.okPer15s} (Pharos at ${alone.pharosCpuPercent} % of a core)`,
        `  beside 2 connections posting 1 MiB nested JSON to /api/v1/auth/login: ${viaLogin.okPer15s} (${pct(viaLogin.okPer15s)}; Pharos at ${viaLogin.pharosCpuPercent} % of a core); attackers answered ${JSON.stringify(viaLogin.attack)}`,
        `  beside 2 connections posting 1 MiB nested JSON to /api/node/metrics (no secret): ${viaNode.okPer15s} (${pct(viaNode.okPer15s)}; Pharos at ${viaNode.pharosCpuPercent} % of a core); attackers answered ${JSON.stringify(viaNode.attack)}`,
        `Slow connections (${SLOW_EACH} of each kind, watched ${SLOW_WAIT_MS / 1000} s): ${Object.entries(slow)
          .map(([kind, o]) => `${kind} ${o.closed} closed${o.closed ? ` (last at ${(o.lastClosedMs / 1000).toFixed(1)} s)` : ''}`)
          .join(', ')}`,
        `Ping flood (${FLOOD_SOCKETS} unauthenticated sockets, ${FLOOD_MS / 1000} s, not reading): ${flood.pings} pings sent, RSS ${flood.rssBeforeMiB} MiB before, ${flood.rssPeakMiB} at the peak, ${flood.rssAfterMiB} after, ${flood.socketsClosedByServer} sockets closed by the server`,
      ].join('\n'),
    );
    console.log(JSON.stringify({ seconds, alone, viaLogin, viaNode, slow, flood }));
  } finally {
    await pharos?.stop();
    await database.drop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
