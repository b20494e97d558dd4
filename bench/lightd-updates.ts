import { Client } from 'pg';
import { containerInternalId, lightdBodies } from '../apps/simulator/src/lightd-messages';
import { eachLimited } from '../apps/simulator/src/admin-client';
import { BareHttpServer } from './support/bare-server';
import { ingestRows, measureIngest } from './support/ingest-bench';
import type { LoadRequest } from './support/http-load';
import { createBenchDatabase, PharosProcess } from './support/pharos-process';
import { type BenchResult, machine } from './support/report';

/**
 * Lightd updates: sustained `POST /update` throughput (each 200 only once the update is
 * committed), from many daemons and containers, against a bare Node http server that only
 * parses the same JSON; then latency at half Pharos's rate. Afterwards the stored history
 * rows must equal the 200s.
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
    // A realistic mix: mostly status moves (each an event in two logs), some billing, a few failures.
    const next = (i: number): LoadRequest => {
      const c = containers[i % containers.length]!;
      const roll = (i * 7919) % 100;
      let body: string;
      if (roll < 10) {
        body = lightdBodies.billing(c.internalId, { memory_gb: 2, cpu_vcpus: 1, storage_gb: 20, egress_gb: 0.25, duration_hours: 1, estimated_cost: 0.0123, timestamp: Math.floor(Date.now() / 1000) });
      } else if (roll < 12) {
        body = lightdBodies.error(c.internalId, 'failed', 'install script exited with code 1');
        c.ready = false;
      } else {
        c.ready = !c.ready;
        body = lightdBodies.status(c.internalId, c.ready ? 'ready' : 'installing');
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
    const { rows } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM "LightdUpdate"');
    await sql.end();
    const stored = Number(rows[0]!.n);
    notes.push(
      `${daemonCount} daemons × ${containersPerDaemon} containers, ${quick ? 64 : 128} connections; mix: 88 % status moves, 10 % billing, 2 % failures`,
      `answered 200: ${outcome.pharosOk}, failed: ${outcome.pharosFailed}, update rows stored: ${stored} (${stored === outcome.pharosOk ? 'equal' : 'MISMATCH'})`,
    );
    return {
      name: 'lightd-updates',
      title: 'Lightd updates: POST /update, 200 = committed (PostgreSQL)',
      quick,
      startedAt: new Date().toISOString(),
      machine: machine(),
      rows: [
        ...ingestRows('updates', outcome, { ratio: 0.4 }),
        { metric: 'stored = answered 200', value: stored === outcome.pharosOk ? 'yes' : `no (${stored} vs ${outcome.pharosOk})`, goal: 'equal', met: stored === outcome.pharosOk },
      ],
      notes,
    };
  } finally {
    await bare.stop();
    await pharos.stop();
    await db.drop();
  }
}
