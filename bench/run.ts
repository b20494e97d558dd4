/**
 * `npm run bench -- [--quick] [--only a,b]`: runs the benchmarks, prints a table for each and
 * writes JSON to bench/results/. Every benchmark measures a baseline in the same run on the
 * same machine and reports the ratio: absolute numbers on shared machines are noise.
 */
import { existsSync } from 'node:fs';
import { agents } from './agents';
import { coldStart } from './cold-start';
import { fleetList } from './fleet-list';
import { historyQuery } from './history-query';
import { lightdUpdates } from './lightd-updates';
import { metricStorage } from './metric-storage';
import { nodeIngest } from './node-ingest';
import { retention } from './retention';
import { MAIN_JS } from './support/pharos-process';
import { type BenchResult, report } from './support/report';
import { disableAllocationSitePretenuring } from '../apps/server/src/platform/runtime/v8-tuning';

const BENCHMARKS: Record<string, (quick: boolean) => Promise<BenchResult>> = {
  'lightd-updates': lightdUpdates,
  'node-ingest': nodeIngest,
  agents,
  'history-query': historyQuery,
  'metric-storage': metricStorage,
  'fleet-list': fleetList,
  'cold-start': coldStart,
  retention,
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? args[onlyIndex + 1]!.split(',') : Object.keys(BENCHMARKS);
  const unknown = only.filter((name) => !BENCHMARKS[name]);
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  if (!existsSync(MAIN_JS)) throw new Error('build Pharos first: npm run build');
  let failed = false;
  for (const name of only) {
    try {
      report(await BENCHMARKS[name]!(quick));
    } catch (error) {
      failed = true;
      console.error(`\n## ${name}: FAILED\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

// As in Pharos (see v8-tuning.ts): the generator's own collections count in what it measures.
disableAllocationSitePretenuring();
void main();
