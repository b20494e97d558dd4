import { Client } from 'pg';
import { containerInternalId, lightdBodies } from '../apps/simulator/src/lightd-messages';
import { eachLimited } from '../apps/simulator/src/admin-client';
import { BareHttpServer } from './support/bare-server';
import { ingestRows, measureIngest } from './support/ingest-bench';
import type { LoadRequest } from './support/http-load';
import { createBenchDatabase, PharosProcess } from './support/pharos-process';
import { type BenchResult, machine } from './support/report';

/** Of every 1,000 updates, how many are status moves and errors (the rest billing). */
const STATUS_PER_MILLE = 5;
const ERRORS_PER_MILLE = 1;

/**
 * Lightd updates in Lightd v2's real mix (docs/protocols/lightd-remote.md §3, §5): every running
 * container posts one billing gauge a second, status moves are rare. Sustained `POST /update`
 * throughput (each 200 only once the update is committed), from many daemons and containers,
 * against a bare Node http server that only parses the same JSON; then latency at half
 * Pharos's rate. The billing rate Pharos sustains is how many containers one instance holds.
 * Afterwards no billing event may be a row of its own, and every container holds its gauge.
 */
export async function lightdUpdates(quick: boolean): Promise<BenchResult> {
  const db = await createBenchDatabase();
  if (!db) throw new Error('the Lightd updates benchmark needs PostgreSQL (TEST_DATABASE_URL)');
  const daemonCount = quick ? 20 : 100;
  const containersPerDaemon = 10;
  const pharos = await PharosProcess.start({ DATABASE_URL: db.url }).catch(async (error: unknown) => {
    await db.drop(); // a Pharos that never started leaves no database behind
    throw error;
  });
  const bare = await BareHttpServer.start({ success: true });
  const notes: string[] = [];
  try {
    const admin = await pharos.admin();
    const daemons = await eachLimited(
      Array.from({ length: daemonCount }, (_, i) => `bench-lightd-${i + 1}`),
      8,
      async (name) => {
        const { remoteToken } = await admin.enrolDaemon(name, 'http://127.0.0.1:9', 'unused');
        return { name, authorization: `Bearer ${remoteToken}`, containers: Array.from({ length: containersPerDaemon }, (_, i) => containerInternalId(name, i)) };
      },
    );
    const containers = daemons.flatMap((d) => d.containers.map((internalId) => ({ daemon: d, internalId, ready: false })));
    // Lightd v2's mix: a billing gauge per running container per second; now and then a status move or an error.
    const next = (i: number): LoadRequest => {
      const c = containers[i % containers.length]!;
      const roll = (i * 7919) % 1000;
      let body: string;
      if (roll < ERRORS_PER_MILLE) {
        body = lightdBodies.error(c.internalId, 'failed', 'Failed to pull image: manifest unknown');
        c.ready = false;
      } else if (roll < ERRORS_PER_MILLE + STATUS_PER_MILLE) {
        c.ready = !c.ready;
        body = lightdBodies.status(c.internalId, c.ready ? 'ready' : 'installing');
      } else {
        const memory = 0.5 + (i % 7) * 0.25;
        body = lightdBodies.billing(c.internalId, { memory_gb: memory, cpu_vcpus: 0.35, storage_gb: 1.25, egress_gb: 0.02, duration_hours: 1, estimated_cost: memory * 0.01 + 0.007, timestamp: Math.floor(Date.now() / 1000) });
      }
      return { method: 'POST', path: '/api/lightd/update', headers: { authorization: c.daemon.authorization, 'content-type': 'application/json' }, body };
    };
    const outcome = await measureIngest({
      pharosUrl: pharos.baseUrl,
      bareUrl: bare.baseUrl,
      next,
      pharosCpuSeconds: () => pharos.usage().cpuSeconds,
      connections: quick ? 64 : 128,
      durationMs: quick ? 6000 : 20_000,
      rounds: quick ? 1 : 3,
      halfRateMs: quick ? 5000 : 15_000,
      accept: (_s, body) => body === '{"success":true}',
      log: (line) => console.log(line),
    });

    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    const count = async (query: string) => Number((await sql.query<{ n: string }>(query)).rows[0]!.n);
    const billingRows = await count(`SELECT count(*) AS n FROM "LightdUpdate" WHERE "event" = 'billing'`);
    const statusRows = await count(`SELECT count(*) AS n FROM "LightdUpdate"`);
    const gauged = await count(`SELECT count(*) AS n FROM "LightdContainer" WHERE "usageReceivedAt" IS NOT NULL`);
    await sql.end();
    const billingShare = 1 - (STATUS_PER_MILLE + ERRORS_PER_MILLE) / 1000;
    const perInstance = Math.floor(outcome.pharosRate * billingShare);
    const kept = billingRows === 0 && gauged === containers.length;
    notes.push(
      `${daemonCount} daemons × ${containersPerDaemon} containers, ${quick ? 64 : 128} connections; mix: ${100 - (STATUS_PER_MILLE + ERRORS_PER_MILLE) / 10} % billing, ${STATUS_PER_MILLE / 10} % status moves, ${ERRORS_PER_MILLE / 10} % errors`,
      `answered 200: ${outcome.pharosOk}, failed: ${outcome.pharosFailed}; status/error rows stored: ${statusRows}, billing rows: ${billingRows}, containers holding their latest gauge: ${gauged}/${containers.length}`,
    );
    return {
      name: 'lightd-updates',
      title: 'Lightd updates in v2\'s mix: POST /update, 200 = committed (PostgreSQL)',
      quick,
      startedAt: new Date().toISOString(),
      machine: machine(),
      rows: [
        ...ingestRows('updates', outcome, { ratio: 0.5 }),
        { metric: 'containers per instance (one billing event a second each)', value: perInstance, unit: 'containers', goal: 'at ≥ 50 % of bare', met: outcome.pharosRate / outcome.bareRate >= 0.5 },
        { metric: 'billing kept as the latest gauge, no row each', value: kept ? 'yes' : `no (${billingRows} rows, ${gauged} gauges)`, goal: 'yes', met: kept },
      ],
      notes,
    };
  } finally {
    await bare.stop();
    await pharos.stop();
    await db.drop();
  }
}
