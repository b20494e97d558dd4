import { Client } from 'pg';
import { NODE_METRICS_PATH, NODE_SECRET_HEADER, type NodeReport } from '@pharos/protocol';
import { eachLimited } from '../apps/simulator/src/admin-client';
import { realisticNodeReport } from '../apps/simulator/src/node-reports';
import { BareHttpServer } from './support/bare-server';
import { ingestRows, measureIngest } from './support/ingest-bench';
import type { LoadRequest } from './support/http-load';
import { createBenchDatabase, PharosProcess } from './support/pharos-process';
import { type BenchResult, type BenchRow, machine } from './support/report';
import { STORED_SAMPLES_SQL } from './support/stored-samples';

export type ReportSize = 'small' | 'large';

/** A valid NodeReport: `small` is a host with one filesystem and interface (~1.8 KB), `large` a storage box (~8 KB). */
export function nodeReport(size: ReportSize, hostname: string, at: Date, round: number): NodeReport {
  const report = realisticNodeReport({ hostname, at, round }) as NodeReport & { metrics: Record<string, unknown> };
  const m = report.metrics as unknown as Record<string, Record<string, unknown> & { length?: number }>;
  if (size === 'small') {
    const disk = m.disk as Record<string, unknown[]> & { smart: Record<string, unknown> };
    m.disk = { ...disk, physical: [], logical: [], base_io: [], filesystems: disk.filesystems.slice(0, 1), smart: { ...disk.smart, devices: [] } };
    m.raid = { ...m.raid, arrays: [] };
    m.thermal = { ...m.thermal, sensors: [] };
    (m as Record<string, unknown>).network = (m.network as unknown as unknown[]).slice(0, 1);
  } else {
    const disk = m.disk as Record<string, Record<string, unknown>[]>;
    const extra = ['/var', '/home', '/srv/data', '/var/lib/docker', '/opt'].map((mount, i) => ({
      ...disk.filesystems[0]!,
      path: mount,
      mountpoint: mount,
      device: `/dev/mapper/vg0-extra${i}`,
    }));
    m.disk = { ...disk, filesystems: [...disk.filesystems, ...extra] };
  }
  return report;
}

/** `count` nodes enrolled through the admin API, with their secrets. */
export async function createNodes(pharos: PharosProcess, count: number, prefix = 'bench-node'): Promise<{ name: string; secret: string }[]> {
  const admin = await pharos.admin();
  return eachLimited(
    Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`),
    8,
    async (name) => ({ name, secret: (await admin.enrolNode(name)).secret }),
  );
}

/** Node report `index` of a run: round robin over the nodes, each stamped with the time it is built. */
export function nodeReportRequests(
  nodes: { name: string; secret: string }[],
  size: ReportSize,
  /** Each node's last stamp (ms), shared by runs against the same Pharos. */
  lastSent = new Map<string, number>(),
): (index: number) => LoadRequest {
  return (index) => {
    const node = nodes[index % nodes.length]!;
    const at = Math.max(Date.now(), (lastSent.get(node.name) ?? 0) + 1);
    lastSent.set(node.name, at);
    const body = JSON.stringify(nodeReport(size, node.name, new Date(at), index));
    return { method: 'POST', path: NODE_METRICS_PATH, headers: { [NODE_SECRET_HEADER]: node.secret, 'content-type': 'application/json' }, body };
  };
}

/**
 * Ithiltir node reports: sustained `POST /api/node/metrics` (200 only once the sample is
 * committed) from many nodes, small and large reports, against a bare Node http server that
 * only parses the same JSON; then latency at half Pharos's rate. Stored samples must equal
 * the 200s.
 */
export async function nodeIngest(quick: boolean): Promise<BenchResult> {
  const db = await createBenchDatabase();
  if (!db) throw new Error('the node ingest benchmark needs PostgreSQL (TEST_DATABASE_URL)');
  const nodeCount = quick ? 100 : 500;
  const pharos = await PharosProcess.start({ DATABASE_URL: db.url }).catch(async (error: unknown) => {
    await db.drop(); // a Pharos that never started leaves no database behind
    throw error;
  });
  const bare = await BareHttpServer.start({ ok: true, update: null });
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  try {
    const nodes = await createNodes(pharos, nodeCount);
    // Every report is stamped with the time it is built, as a node stamps it when it collects
    // (a millisecond later than the node's previous one when the clock has not moved on: one
    // sample per node and instant): just before it is sent in the closed loop, just before the
    // half-rate run starts for that run (up to its length earlier).
    const lastSent = new Map<string, number>();
    let answered = 0;
    for (const size of ['small', 'large'] as ReportSize[]) {
      let bytes = 0;
      const reports = nodeReportRequests(nodes, size, lastSent);
      const next = (i: number): LoadRequest => {
        const request = reports(i);
        bytes = request.body!.length;
        return request;
      };
      console.log(`  ${size} reports`);
      const outcome = await measureIngest({
        pharosUrl: pharos.baseUrl,
        bareUrl: bare.baseUrl,
        next,
        pharosCpuSeconds: () => pharos.usage().cpuSeconds,
        connections: quick ? 64 : 128,
        durationMs: quick ? 5000 : 20_000,
        rounds: quick ? 1 : 3,
        halfRateMs: quick ? 4000 : 15_000,
        accept: (status) => status === 200,
        log: (line) => console.log(line),
      });
      answered += outcome.pharosOk;
      rows.push(...ingestRows(`${size} (${(bytes / 1024).toFixed(1)} KB)`, outcome, { ratio: 0.5, p99Ms: 25 }));
      notes.push(`${size}: answered 200: ${outcome.pharosOk}, failed: ${outcome.pharosFailed}`);
    }
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    const result = await sql.query<{ n: string }>(STORED_SAMPLES_SQL);
    await sql.end();
    const stored = Number(result.rows[0]!.n);
    rows.push({ metric: 'samples stored = answered 200', value: stored === answered ? 'yes' : `no (${stored} vs ${answered})`, goal: 'equal', met: stored === answered });
    notes.unshift(`${nodeCount} nodes, ${quick ? 64 : 128} connections, closed loop then open loop at half the sustained rate (its requests built before it starts); each report stamped with the time it is built`);
    return { name: 'node-ingest', title: 'Ithiltir node reports: POST /api/node/metrics, 200 = committed (PostgreSQL)', quick, startedAt: new Date().toISOString(), machine: machine(), rows, notes };
  } finally {
    await bare.stop();
    await pharos.stop();
    await db.drop();
  }
}
