import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pgliteTemplateFile } from '@pharos/database';
import { type BenchResult, machine, median } from './support/report';
import { freePort, PharosProcess, waitForHttp } from './support/pharos-process';

/** Spawn → first 200 of a bare Node HTTP server: the floor of any Node service's start. */
async function bareNodeStart(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', `require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`]);
  await waitForHttp(`http://127.0.0.1:${port}/`, 30_000, 5);
  const ms = performance.now() - started;
  child.kill();
  return ms;
}

async function pharosStart(dataDir?: string): Promise<number> {
  const started = performance.now();
  const pharos = await PharosProcess.start({}, { dataDir });
  const ms = performance.now() - started;
  await pharos.stop();
  return ms;
}

/**
 * Cold start on the embedded default: process start to `/readyz` 200, on a fresh data
 * directory (creates the database, applies migrations, creates the first admin) and on an
 * existing one (a restart), against a bare Node HTTP server's start in the same run.
 */
export async function coldStart(quick: boolean): Promise<BenchResult> {
  const runs = quick ? 2 : 5;
  const bare: number[] = [];
  const fresh: number[] = [];
  const restart: number[] = [];
  const kept = mkdtempSync(path.join(os.tmpdir(), 'pharos-bench-kept-'));
  let first: number;
  try {
    // The installation's first fresh start: initdb and every migration, then the migrated
    // database is kept as the template later fresh directories are loaded from.
    const template = pgliteTemplateFile();
    if (template) rmSync(template, { force: true });
    first = await pharosStart(kept);
    for (let i = 0; i < runs; i++) {
      bare.push(await bareNodeStart());
      fresh.push(await pharosStart());
      restart.push(await pharosStart(kept));
    }
  } finally {
    rmSync(kept, { recursive: true, force: true });
  }
  const b = median(bare);
  const f = median(fresh);
  const r = median(restart);
  return {
    name: 'cold-start',
    title: 'Cold start, embedded PGlite: process start → /readyz 200 (median)',
    quick,
    startedAt: new Date().toISOString(),
    machine: machine(),
    rows: [
      { metric: 'bare Node http server', value: b, unit: 'ms' },
      { metric: 'Pharos, first fresh data dir of an installation (builds the template)', value: first, unit: 'ms', baseline: b, ratio: first / b },
      { metric: 'Pharos, fresh data dir (from the template + first admin)', value: f, unit: 'ms', baseline: b, ratio: f / b, goal: '≤ 3000 ms', met: f <= 3000 },
      { metric: 'Pharos, restart on existing data', value: r, unit: 'ms', baseline: b, ratio: r / b, goal: '≤ 3000 ms', met: r <= 3000 },
    ],
    notes: [`${runs} runs each, interleaved (the first fresh start once)`],
  };
}
