/**
 * `npx tsx bench/latency-timeline.ts [small|large] [rate/s] [seconds] [burst seconds] [nodes]`
 * (after `npm run build:server`): node reports against a fresh Pharos on PostgreSQL
 * (`TEST_DATABASE_URL`), first a closed-loop burst at full rate, then an open loop at `rate`,
 * printing latency second by second: where the node benchmark's p99 at half rate comes from.
 * Defaults: large, 1,400/s, 15 s, after a 60 s burst, 500 nodes.
 */
import { closedLoop, openLoop } from './support/http-load';
import { createNodes, nodeReportRequests, type ReportSize } from './node-ingest';
import { createBenchDatabase, PharosProcess, postgresCpuSeconds } from './support/pharos-process';
import { percentile } from './support/report';
import { disableAllocationSitePretenuring } from '../apps/server/src/platform/runtime/v8-tuning';

async function main(): Promise<void> {
  const [size = 'large', rate = '1400', seconds = '15', burstSeconds = '60', nodeCount = '500'] = process.argv.slice(2);
  const db = await createBenchDatabase();
  if (!db) throw new Error('needs PostgreSQL (TEST_DATABASE_URL)');
  const pharos = await PharosProcess.start({ DATABASE_URL: db.url });
  try {
    const nodes = await createNodes(pharos, Number(nodeCount));
    const reports = nodeReportRequests(nodes, size as ReportSize);
    let index = 0;
    const next = () => reports(index++);
    const accept = (status: number) => status === 200;
    if (Number(burstSeconds) > 0) {
      const burst = await closedLoop({ baseUrl: pharos.baseUrl, connections: 128, durationMs: Number(burstSeconds) * 1000, maxRequests: 10_000_000, next, accept });
      console.log(`burst: ${burst.okPerSecond.toFixed(0)}/s for ${burstSeconds} s (${burst.failed} failed)`);
    }
    console.log(`open loop from ${new Date().toISOString()}`);
    const before = { pharos: pharos.usage().cpuSeconds, postgres: postgresCpuSeconds(), self: process.cpuUsage() };
    const run = await openLoop({ baseUrl: pharos.baseUrl, connections: 128, durationMs: Number(seconds) * 1000, maxRequests: 10_000_000, rate: Number(rate), next, accept });
    for (const s of run.perSecond ?? []) {
      console.log(`second ${String(s.second + 1).padStart(3)}: ${s.answered} answered, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(0)} ms`);
    }
    const self = process.cpuUsage(before.self);
    const perRequest = (seconds: number) => `${((seconds * 1e6) / Math.max(1, run.ok)).toFixed(0)} µs`;
    console.log(
      `CPU per request in the open loop (its requests built before it): Pharos ${perRequest(pharos.usage().cpuSeconds - before.pharos)}, ` +
        `PostgreSQL ${perRequest(postgresCpuSeconds() - before.postgres)}, load generator ${perRequest((self.user + self.system) / 1e6)}`,
    );
    console.log(`all: p50 ${percentile(run.latencies, 50).toFixed(1)} ms, p99 ${percentile(run.latencies, 99).toFixed(1)} ms (${run.failed} failed)`);
  } finally {
    await pharos.stop();
    await db.drop();
  }
}

// As in Pharos (see v8-tuning.ts): the generator's own collections count in what it measures.
disableAllocationSitePretenuring();
void main();
