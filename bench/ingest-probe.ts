/**
 * `npx tsx bench/ingest-probe.ts [small|large] [reports] [connections] [nodes]` (after `npm run
 * build:server`; `PHAROS_BENCH_MAIN_JS` for another build): a fixed number of node reports
 * (default large, 6,000, 64 connections, 100 nodes) against a fresh Pharos on PostgreSQL
 * (`TEST_DATABASE_URL`), after 1,000 to warm up. Prints CPU per report of Pharos and of the
 * PostgreSQL processes of its database only (`PHAROS_BENCH_PG_CPU=database`), and what the
 * database did per report (commits, rows written per table, scans). For A/B runs of two builds
 * on a machine others use too: a fixed amount of work measured in CPU, not in rate, and no
 * other database's load counted.
 */
import { Client } from 'pg';
import { closedLoop } from './support/http-load';
import { createNodes, nodeReportRequests, type ReportSize } from './node-ingest';
import { createBenchDatabase, PharosProcess, postgresCpuSeconds } from './support/pharos-process';

interface TableCounts {
  relname: string;
  writes: string;
  hot: string;
  seq: string;
  idx: string | null;
}

async function main(): Promise<void> {
  const [size = 'large', count = '6000', connections = '64', nodeCount = '100'] = process.argv.slice(2);
  process.env.PHAROS_BENCH_PG_CPU = 'database';
  const db = await createBenchDatabase();
  if (!db) throw new Error('needs PostgreSQL (TEST_DATABASE_URL)');
  const pharos = await PharosProcess.start({ DATABASE_URL: db.url });
  const sql = new Client({ connectionString: db.url });
  try {
    const nodes = await createNodes(pharos, Number(nodeCount));
    const reports = nodeReportRequests(nodes, size as ReportSize);
    let index = 0;
    const next = () => reports(index++);
    const accept = (status: number) => status === 200;
    const load = (maxRequests: number) => closedLoop({ baseUrl: pharos.baseUrl, connections: Number(connections), durationMs: 600_000, maxRequests, next, accept });
    await load(1000);
    await sql.connect();
    const counts = async () => {
      await sql.query('SELECT pg_stat_clear_snapshot()');
      const tables = await sql.query<TableCounts>(
        `SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS writes, n_tup_hot_upd AS hot, seq_scan AS seq, idx_scan AS idx FROM pg_stat_user_tables`,
      );
      const database = await sql.query<{ commits: string }>(`SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()`);
      return { tables: new Map(tables.rows.map((row) => [row.relname, row])), commits: Number(database.rows[0]!.commits) };
    };
    const before = { counts: await counts(), pharos: pharos.usage().cpuSeconds, postgres: postgresCpuSeconds() };
    const started = performance.now();
    const run = await load(Number(count));
    const seconds = (performance.now() - started) / 1000;
    const pharosCpu = pharos.usage().cpuSeconds - before.pharos;
    const postgresCpu = postgresCpuSeconds() - before.postgres;
    // Backends report their table counts when idle, at most every 500 ms.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await counts();
    const per = (value: number, digits = 2) => (value / Math.max(1, run.ok)).toFixed(digits);
    console.log(
      `${size}: ${run.ok} answered 200, ${run.failed} failed, in ${seconds.toFixed(1)} s (${(run.ok / seconds).toFixed(0)}/s); ` +
        `CPU per report: Pharos ${per(pharosCpu * 1e6, 0)} µs, PostgreSQL (its database) ${per(postgresCpu * 1e6, 0)} µs; commits per report ${per(after.commits - before.counts.commits)}`,
    );
    for (const [name, row] of after.tables) {
      const was = before.counts.tables.get(name);
      const delta = (key: keyof TableCounts) => Number(row[key] ?? 0) - Number(was?.[key] ?? 0);
      if (delta('writes') || delta('seq') || delta('idx')) {
        console.log(`  ${name}: rows written ${per(delta('writes'))} (heap-only updates ${per(delta('hot'))}), index scans ${per(delta('idx'))}, sequential scans ${per(delta('seq'), 3)} per report`);
      }
    }
  } finally {
    await sql.end().catch(() => undefined);
    await pharos.stop();
    await db.drop();
  }
}

void main();
