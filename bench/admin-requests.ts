/**
 * `npx tsx bench/admin-requests.ts [seconds] [connections]` (after `npm run build:server`):
 * authenticated admin REST requests (`GET /api/v1/auth/me`: the JWT checked, the user read)
 * against a fresh Pharos on PostgreSQL (`TEST_DATABASE_URL`), closed loop, printing the rate
 * and Pharos's CPU per request. Defaults: 8 s, 16 connections. With `PHAROS_BENCH_MAIN_JS`,
 * against another build, for an A/B of a change on the admin API's path.
 */
import { closedLoop, type LoadRequest } from './support/http-load';
import { createBenchDatabase, PharosProcess } from './support/pharos-process';
import { disableAllocationSitePretenuring } from '../apps/server/src/platform/runtime/v8-tuning';

async function main(): Promise<void> {
  const [seconds = '8', connections = '16'] = process.argv.slice(2);
  const db = await createBenchDatabase();
  if (!db) throw new Error('needs PostgreSQL (TEST_DATABASE_URL)');
  const pharos = await PharosProcess.start({ DATABASE_URL: db.url });
  try {
    const token = await pharos.token();
    const next = (): LoadRequest => ({ method: 'GET', path: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
    const load = { baseUrl: pharos.baseUrl, connections: Number(connections), maxRequests: 10_000_000, next, accept: (status: number) => status === 200 };
    await closedLoop({ ...load, durationMs: 2000 }); // warm-up
    const before = pharos.usage().cpuSeconds;
    const run = await closedLoop({ ...load, durationMs: Number(seconds) * 1000 });
    const cpu = ((pharos.usage().cpuSeconds - before) * 1e6) / Math.max(1, run.ok);
    console.log(`${run.okPerSecond.toFixed(0)} req/s (${run.failed} failed), Pharos CPU ${cpu.toFixed(0)} µs per request`);
  } finally {
    await pharos.stop();
    await db.drop();
  }
}

// As in Pharos (see v8-tuning.ts): the generator's own collections count in what it measures.
disableAllocationSitePretenuring();
void main();
