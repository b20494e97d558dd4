import { Client } from 'pg';
import WebSocket from 'ws';
import { AGENT_WS_PATH, NODE_METRICS_PATH, NODE_SECRET_HEADER } from '@pharos/protocol';
import { eachLimited } from '../apps/simulator/src/admin-client';
import { AgentHostModel } from '../apps/simulator/src/agent-messages';
import { createNodes, nodeReport, type ReportSize } from './node-ingest';
import { createBenchDatabase, PharosProcess } from './support/pharos-process';
import { type BenchResult, type BenchRow, machine } from './support/report';

const MINUTE_MS = 60_000;

/** Bytes the metric history takes on disk, every partition and index (and TOAST) included: the samples' tables, and with the rollups. */
const METRIC_BYTES_SQL = `SELECT
    coalesce(sum(pg_total_relation_size(c.oid)) FILTER (WHERE c.relname LIKE 'MetricSample%' OR c.relname = 'MetricBlock'), 0)::float8 AS samples,
    coalesce(sum(pg_total_relation_size(c.oid)), 0)::float8 AS "withRollups"
  FROM pg_class c
 WHERE c.relkind = 'r' AND (c.relname LIKE 'MetricSample%' OR c.relname IN ('MetricBlock', 'MetricRollup1m', 'MetricRollup1h'))`;

interface Sizes {
  samples: number;
  withRollups: number;
}

/**
 * Bytes per stored sample after compaction: each kind of sample (small and large Ithiltir node
 * reports, agent `metrics` messages) sent for minutes that have ended, by the real clients'
 * paths; once the rollup flush has compacted them (no raw row left) and VACUUM has given back
 * the space of the deleted raw rows (autovacuum's work in a running system), the growth of the
 * metric tables divided by the samples stored. A first round, not counted, brings today's raw
 * partition to its working size (its index does not shrink; its pages are reused).
 */
export async function metricStorage(quick: boolean): Promise<BenchResult> {
  const db = await createBenchDatabase();
  if (!db) throw new Error('the metric storage benchmark needs PostgreSQL (TEST_DATABASE_URL)');
  const pharos = await PharosProcess.start({ DATABASE_URL: db.url }).catch(async (error: unknown) => {
    await db.drop();
    throw error;
  });
  const sql = new Client({ connectionString: db.url });
  await sql.connect();
  const sources = quick ? 40 : 100;
  const minutes = quick ? 6 : 9;
  const rows: BenchRow[] = [];
  const notes: string[] = [`${sources} sources of each kind, ${minutes} minutes of samples each (nodes every 3 s, agents every 5 s), stamped in minutes that have ended`];
  try {
    const admin = await pharos.admin();
    const kinds: [string, (from: number) => Promise<{ serverNames: string[]; samples: number }>][] = [
      // Not counted: brings today's raw partition to the size it keeps in a running system (a
      // couple of minutes of samples, its pages reused once the compaction deleted them).
      ['warm-up', (from) => sendNodeReports(pharos, 'large', sources, from, minutes, 'warm-up')],
      ['small node reports (~1.8 KB)', (from) => sendNodeReports(pharos, 'small', sources, from, minutes)],
      ['large node reports (~7.5 KB)', (from) => sendNodeReports(pharos, 'large', sources, from, minutes)],
      ['agent samples', async (from) => sendAgentSamples(pharos, await Promise.all(Array.from({ length: sources }, (_, i) => admin.enrolAgent(`storage-agent-${i}`))), from, minutes)],
    ];
    for (const [kind, send] of kinds) {
      await vacuum(sql);
      const before = await sizes(sql);
      const from = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - (minutes + 1) * MINUTE_MS;
      const sent = await send(from);
      const started = performance.now();
      const serverIds = (await sql.query<{ id: string }>('SELECT id::text AS id FROM "Server" WHERE name = ANY($1::text[])', [sent.serverNames])).rows.map((r) => r.id);
      const stored = await compacted(sql, serverIds);
      const waited = (performance.now() - started) / 1000;
      await vacuum(sql);
      const after = await sizes(sql);
      if (kind === 'warm-up') continue;
      const perSample = (after.samples - before.samples) / stored;
      const withRollups = (after.withRollups - before.withRollups) / stored;
      rows.push({ metric: `${kind}: bytes per stored sample after compaction`, value: perSample, unit: 'B', goal: '≤ 100 B', met: perSample <= 100 });
      rows.push({ metric: `${kind}: with the minute and hour rollups`, value: withRollups, unit: 'B' });
      const blocks = (await sql.query<{ n: number; bytes: number }>('SELECT count(*)::int AS n, coalesce(avg(length("data")), 0)::float8 AS bytes FROM "MetricBlock" WHERE "serverId" = ANY($1::uuid[])', [serverIds])).rows[0]!;
      const tables = await sql.query<{ name: string; bytes: number }>(
        `SELECT c.relname AS name, pg_total_relation_size(c.oid)::float8 AS bytes FROM pg_class c WHERE c.relkind = 'r' AND (c.relname LIKE 'MetricSample%' OR c.relname IN ('MetricBlock', 'MetricRollup1m', 'MetricRollup1h')) AND pg_total_relation_size(c.oid) > 16384`,
      );
      notes.push(
        `${kind}: ${stored} of ${sent.samples} samples stored, all compacted ${waited.toFixed(1)} s after the last was sent; ${blocks.n} blocks of ${Math.round(blocks.bytes)} B on average (${(blocks.bytes * blocks.n / stored).toFixed(1)} B per sample of block data); tables now: ${tables.rows.map((t) => `${t.name} ${Math.round(t.bytes / 1024)} KiB`).join(', ')}`,
      );
    }
    return { name: 'metric-storage', title: 'Metric history on disk: bytes per stored sample after compaction (PostgreSQL)', quick, startedAt: new Date().toISOString(), machine: machine(), rows, notes };
  } finally {
    await sql.end();
    await pharos.stop();
    await db.drop();
  }
}

async function sizes(sql: Client): Promise<Sizes> {
  return (await sql.query<Sizes>(METRIC_BYTES_SQL)).rows[0]!;
}

/** VACUUM gives back the pages of the raw rows the compaction deleted, as autovacuum does in a running system. */
async function vacuum(sql: Client): Promise<void> {
  await sql.query('VACUUM "MetricSample", "MetricBlock", "MetricRollup1m", "MetricRollup1h"');
}

/** Waits until these servers have no raw sample left (all compacted); returns the samples stored in their blocks. */
async function compacted(sql: Client, serverIds: string[]): Promise<number> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const { rows } = await sql.query<{ raw: number; blocked: number }>(
      `SELECT (SELECT count(*) FROM "MetricSample" WHERE "serverId" = ANY($1::uuid[]))::int AS raw,
              (SELECT coalesce(sum("samples"), 0) FROM "MetricBlock" WHERE "serverId" = ANY($1::uuid[]))::int AS blocked`,
      [serverIds],
    );
    if (rows[0]!.raw === 0 && rows[0]!.blocked > 0) return rows[0]!.blocked;
    if (Date.now() > deadline) throw new Error(`samples not compacted within 180 s: ${rows[0]!.raw} raw, ${rows[0]!.blocked} in blocks`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Node reports every 3 s over `minutes` minutes from `from`, each node's in time order. */
async function sendNodeReports(pharos: PharosProcess, size: ReportSize, count: number, from: number, minutes: number, prefix = `storage-${size}`): Promise<{ serverNames: string[]; samples: number }> {
  const nodes = await createNodes(pharos, count, prefix);
  const perNode = (minutes * MINUTE_MS) / 3000;
  let samples = 0;
  await eachLimited(nodes, 8, async (node) => {
    for (let i = 0; i < perNode; i++) {
      const body = JSON.stringify(nodeReport(size, node.name, new Date(from + i * 3000 + 17), i));
      const res = await fetch(`${pharos.baseUrl}${NODE_METRICS_PATH}`, { method: 'POST', headers: { [NODE_SECRET_HEADER]: node.secret, 'content-type': 'application/json' }, body });
      if (res.status !== 200) throw new Error(`node report answered ${res.status}: ${await res.text()}`);
      samples++;
    }
  });
  return { serverNames: nodes.map((n) => n.name), samples };
}

/** Agent `metrics` messages every 5 s over `minutes` minutes from `from`, through each agent's socket. */
async function sendAgentSamples(pharos: PharosProcess, agents: { serverId: string; apiKey: string }[], from: number, minutes: number): Promise<{ serverNames: string[]; samples: number }> {
  const perAgent = (minutes * MINUTE_MS) / 5000;
  let samples = 0;
  await eachLimited(agents, 8, async (agent, index) => {
    const host = new AgentHostModel(`storage-agent-${index}`);
    const ws = new WebSocket(`${pharos.baseUrl.replace(/^http/, 'ws')}${AGENT_WS_PATH}`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', api_key: agent.apiKey })));
      ws.on('message', (data) => {
        if ((JSON.parse(data.toString()) as { type: string }).type === 'auth_success') resolve();
      });
    });
    for (let i = 0; i < perAgent; i++) {
      ws.send(JSON.stringify(host.metrics(agent.serverId, from + i * 5000 + 23)));
      samples++;
    }
    // Let the socket drain before closing it.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    ws.close();
  });
  return { serverNames: agents.map((_, i) => `storage-agent-${i}`), samples };
}
