/**
 * `npx tsx bench/poison-attack.ts [--seconds 10]`: the lone-surrogate attacks of issue 17
 * (point 1) against a built Pharos (`npm run build:server`; PHAROS_BENCH_MAIN_JS names another
 * build) on a fresh PostgreSQL database, loopback only, bounded in time:
 *
 * 1. ten Lightd daemons post updates for the given time; one of them posts only error updates
 *    whose `data` is "bad \ud800". Counted: the nine others' updates not answered 200, and
 *    how many of their 200s are stored.
 * 2. twenty agents send a sample every 100 ms for the given time; one of them reports a disk
 *    mounted at "/mnt/\ud800". Counted: the nineteen others' samples sent and stored.
 * 3. the same, the one agent reporting `process_count` 1e12 instead: a value the edge takes and
 *    PostgreSQL refuses (its column is an integer), so only the split batches stand between
 *    it and the others' samples.
 *
 * Before the edge rule and the split batches, the poisoned member failed the group-committed
 * batch it joined: the nine daemons' updates in it were answered 503 (and lost: Lightd never
 * retries), the nineteen agents' samples in it vanished.
 */
import { AGENT_WS_PATH } from '@pharos/protocol';
import { Client } from 'pg';
import WebSocket from 'ws';
import { eachLimited } from '../apps/simulator/src/admin-client';
import { createBenchDatabase, PharosProcess } from './support/pharos-process';
import { STORED_SAMPLES_OF_SQL } from './support/stored-samples';

const POISON = 'bad \ud800';
const DAEMONS = 10;
const WORKERS_PER_DAEMON = 4;
const AGENTS = 20;
const SAMPLE_EVERY_MS = 100;

interface Tally {
  sent: number;
  byStatus: Record<string, number>;
}

const tally = (): Tally => ({ sent: 0, byStatus: {} });
const count = (t: Tally, status: number | string) => (t.byStatus[status] = (t.byStatus[status] ?? 0) + 1);
const notOk = (t: Tally) => Object.entries(t.byStatus).reduce((n, [status, k]) => (status === '200' ? n : n + k), 0);

/** Posts updates as one daemon's `WORKERS_PER_DAEMON` connections, until `until`. */
async function postUpdates(baseUrl: string, token: string, body: (i: number) => string, until: number, into: Tally): Promise<void> {
  const worker = async (w: number) => {
    for (let i = w; Date.now() < until; i += WORKERS_PER_DAEMON) {
      into.sent++;
      try {
        const res = await fetch(`${baseUrl}/api/lightd/update`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body(i),
          signal: AbortSignal.timeout(10_000), // Lightd's own timeout
        });
        await res.arrayBuffer();
        count(into, res.status);
      } catch (error) {
        count(into, (error as Error).name);
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS_PER_DAEMON }, (_, w) => worker(w)));
}

async function lightdAttack(pharos: PharosProcess, db: Client, seconds: number) {
  const admin = await pharos.admin();
  const daemons = await eachLimited(Array.from({ length: DAEMONS }, (_, i) => `poison-daemon-${i}`), 4, (name) => admin.enrolDaemon(name, 'http://127.0.0.1:9', 'unused'));
  const [poisoner, ...others] = daemons;
  const poisoned = tally();
  const clean = tally();
  const until = Date.now() + seconds * 1000;
  await Promise.all([
    postUpdates(pharos.baseUrl, poisoner!.remoteToken, () => JSON.stringify({ event: 'update', server: 'c-0', error: 'failed', data: POISON }), until, poisoned),
    ...others.map((d) =>
      postUpdates(pharos.baseUrl, d.remoteToken, (i) => JSON.stringify(i % 5 === 4 ? { event: 'update', server: `c-${i % 8}`, error: 'failed', data: `attempt ${i}` } : { event: 'update', server: `c-${i % 8}`, status: i % 2 ? 'ready' : 'installing' }), until, clean),
    ),
  ]);
  const stored = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM "LightdUpdate" WHERE "daemonId" = ANY($1::uuid[])', [others.map((d) => d.daemonId)])).rows[0]!.n);
  return { poisoned, clean, stored };
}

/** One agent: authenticates, then sends a sample every SAMPLE_EVERY_MS until `until`; counts what it sent and the errors it got. */
function runAgent(wsUrl: string, apiKey: string, poison: Record<string, unknown>, until: number): Promise<{ sent: number; errors: number; closed?: number }> {
  const poisoning = Object.keys(poison).length > 0;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl}${AGENT_WS_PATH}`, { perMessageDeflate: false });
    const outcome: { sent: number; errors: number; closed?: number } = { sent: 0, errors: 0 };
    let timer: NodeJS.Timeout | undefined;
    let last = 0;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', api_key: apiKey })));
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; server_id?: string };
      if (message.type === 'error') outcome.errors++;
      if (message.type !== 'auth_success') return;
      timer = setInterval(() => {
        if (Date.now() >= until) {
          // The answers to the last samples (errors, for the poisoning agent) come once each
          // was written or refused, one after another per connection: wait for them, a while.
          clearInterval(timer);
          const waitUntil = Date.now() + 5000;
          const close = setInterval(() => {
            if ((poisoning && outcome.errors < outcome.sent && Date.now() < waitUntil) || (!poisoning && Date.now() < until + 1000)) return;
            clearInterval(close);
            ws.close(1000);
          }, 50);
          return;
        }
        last = Math.max(Date.now(), last + 1); // (server, time) is a sample's key
        const sample = {
          type: 'metrics',
          server_id: message.server_id,
          cpu_percent: 20,
          memory_percent: 40,
          disk_usage: [{ device: '/dev/sda1', mountpoint: '/', percent: 40 }],
          network: [{ interface: 'eth0', bytes_sent: last, bytes_recv: last }],
          timestamp: new Date(last).toISOString(),
          process_count: 200,
          ...poison,
        };
        ws.send(JSON.stringify(sample));
        outcome.sent++;
      }, SAMPLE_EVERY_MS);
    });
    ws.on('close', (code) => {
      clearInterval(timer);
      if (Date.now() < until) outcome.closed = code;
      resolve(outcome);
    });
    ws.on('error', reject);
  });
}

async function agentAttack(pharos: PharosProcess, db: Client, seconds: number, poison: Record<string, unknown>, label: string) {
  const admin = await pharos.admin();
  const agents = await eachLimited(Array.from({ length: AGENTS }, (_, i) => `${label}-${i}`), 4, (name) => admin.enrolAgent(name));
  const wsUrl = pharos.baseUrl.replace(/^http/, 'ws');
  const until = Date.now() + seconds * 1000;
  const [poisoner, ...others] = await Promise.all(agents.map((a, i) => runAgent(wsUrl, a.apiKey, i === 0 ? poison : {}, until)));
  const ids = agents.slice(1).map((a) => a.serverId);
  // Samples are answered by nothing: wait until what was sent is stored, or stops changing.
  const othersSent = others.reduce((n, o) => n + o.sent, 0);
  const storedNow = async () => Number((await db.query<{ n: string }>(STORED_SAMPLES_OF_SQL, [ids])).rows[0]!.n);
  let stored = await storedNow();
  for (let unchanged = 0; stored < othersSent && unchanged < 10; ) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await storedNow();
    unchanged = now === stored ? unchanged + 1 : 0;
    stored = now;
  }
  const poisonerStored = Number((await db.query<{ n: string }>(STORED_SAMPLES_OF_SQL, [[agents[0]!.serverId]])).rows[0]!.n);
  return { poisoner: { ...poisoner!, stored: poisonerStored }, othersSent, othersErrors: others.reduce((n, o) => n + o.errors, 0), stored };
}

function describeAgents(title: string, agents: Awaited<ReturnType<typeof agentAttack>>): string[] {
  const { poisoner, othersSent, othersErrors, stored } = agents;
  return [
    title,
    `  the poisoning agent: ${poisoner.sent} samples sent, ${poisoner.stored} stored, ${poisoner.errors} protocol errors back${poisoner.closed ? `, closed ${poisoner.closed}` : ''}`,
    `  the nineteen others: ${othersSent} samples sent, ${stored} stored, ${othersSent - stored} lost, ${othersErrors} errors back`,
  ];
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--seconds');
  const seconds = at >= 0 ? Number(process.argv[at + 1]) : 10;
  if (!(seconds > 0 && seconds <= 120)) throw new Error('--seconds: from 1 to 120');
  const database = await createBenchDatabase();
  if (!database) throw new Error('the poison attack needs PostgreSQL (TEST_DATABASE_URL)');
  let pharos: PharosProcess | undefined;
  const db = new Client({ connectionString: database.url });
  try {
    pharos = await PharosProcess.start({ DATABASE_URL: database.url });
    await db.connect();
    const lightd = await lightdAttack(pharos, db, seconds);
    const surrogate = await agentAttack(pharos, db, seconds, { disk_usage: [{ device: '/dev/sdb1', mountpoint: `/mnt/${POISON}`, percent: 10 }] }, 'poison-mount');
    const outOfRange = await agentAttack(pharos, db, seconds, { process_count: 1e12 }, 'poison-count');
    const cleanOk = lightd.clean.byStatus['200'] ?? 0;
    const lines = [
      `Lightd: ${DAEMONS} daemons for ${seconds} s, one posting "data":"bad \\ud800"`,
      `  the poisoning daemon's updates: ${lightd.poisoned.sent} sent, answered ${JSON.stringify(lightd.poisoned.byStatus)}`,
      `  the nine others' updates: ${lightd.clean.sent} sent, ${notOk(lightd.clean)} not answered 200 ${JSON.stringify(lightd.clean.byStatus)}, ${lightd.stored} stored of ${cleanOk} answered 200`,
      ...describeAgents(`Agents: ${AGENTS} agents for ${seconds} s, one reporting a mount point holding \\ud800`, surrogate),
      ...describeAgents(`Agents: ${AGENTS} agents for ${seconds} s, one reporting process_count 1e12 (past the edge; PostgreSQL refuses it)`, outOfRange),
    ];
    console.log(lines.join('\n'));
    console.log(JSON.stringify({ seconds, lightd, surrogate, outOfRange }));
  } finally {
    await db.end().catch(() => undefined);
    await pharos?.stop();
    await database.drop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
