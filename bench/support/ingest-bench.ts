import { type BenchRow, percentile } from './report';
import { closedLoop, type LoadRequest, type LoadResult, openLoop } from './http-load';
import { postgresCpuSeconds } from './pharos-process';

export interface IngestPlan {
  pharosUrl: string;
  bareUrl: string;
  /** The request for index i (the same bodies go to Pharos and to the bare server). */
  next: (index: number) => LoadRequest;
  connections: number;
  /** Per measured closed-loop run. */
  durationMs: number;
  /** Closed-loop rounds per server, interleaved (bare, Pharos, bare, Pharos…). */
  rounds: number;
  /** The open-loop run at half Pharos's sustained rate. */
  halfRateMs: number;
  accept?: (status: number, body: string) => boolean;
  log?: (line: string) => void;
  /** CPU seconds the Pharos process has used so far (for CPU per request). */
  pharosCpuSeconds?: () => number;
}

/** CPU time per request answered in Pharos's closed-loop rounds, by process (µs). */
export interface CpuPerRequest {
  pharos: number;
  postgres: number;
  loadGenerator: number;
}

export interface IngestOutcome {
  bare: LoadResult[];
  pharos: LoadResult[];
  half: LoadResult;
  bareRate: number;
  pharosRate: number;
  /** Every request Pharos answered 2xx, all phases (to compare with what it stored). */
  pharosOk: number;
  pharosFailed: number;
  cpu?: CpuPerRequest;
}

const MAX_REQUESTS = 2_000_000;

/**
 * Sustained throughput of Pharos against the bare server (closed loop, same bodies, same
 * connections, interleaved rounds, median of each), then latency at half Pharos's rate.
 */
export async function measureIngest(plan: IngestPlan): Promise<IngestOutcome> {
  const log = plan.log ?? (() => undefined);
  let index = 0;
  const next = (_: number) => plan.next(index++);
  const bare: LoadResult[] = [];
  const pharos: LoadResult[] = [];
  let pharosOk = 0;
  let pharosFailed = 0;
  // Warm-up (JIT, pools, caches): not measured, but what Pharos stored in it is counted.
  await closedLoop({ baseUrl: plan.bareUrl, connections: plan.connections, durationMs: 1000, maxRequests: MAX_REQUESTS, next });
  const warm = await closedLoop({ baseUrl: plan.pharosUrl, connections: plan.connections, durationMs: 2000, maxRequests: MAX_REQUESTS, next, accept: plan.accept });
  pharosOk += warm.ok;
  pharosFailed += warm.failed;
  const cpuUsed = { pharos: 0, postgres: 0, loadGenerator: 0 };
  for (let round = 0; round < plan.rounds; round++) {
    const b = await closedLoop({ baseUrl: plan.bareUrl, connections: plan.connections, durationMs: plan.durationMs, maxRequests: MAX_REQUESTS, next });
    bare.push(b);
    log(`  bare   round ${round + 1}: ${b.okPerSecond.toFixed(0)}/s (${b.failed} failed)`);
    const before = { pharos: plan.pharosCpuSeconds?.() ?? 0, postgres: postgresCpuSeconds(), self: process.cpuUsage() };
    const p = await closedLoop({ baseUrl: plan.pharosUrl, connections: plan.connections, durationMs: plan.durationMs, maxRequests: MAX_REQUESTS, next, accept: plan.accept });
    const self = process.cpuUsage(before.self);
    cpuUsed.pharos += (plan.pharosCpuSeconds?.() ?? 0) - before.pharos;
    cpuUsed.postgres += postgresCpuSeconds() - before.postgres;
    cpuUsed.loadGenerator += (self.user + self.system) / 1e6;
    pharos.push(p);
    pharosOk += p.ok;
    pharosFailed += p.failed;
    log(`  Pharos round ${round + 1}: ${p.okPerSecond.toFixed(0)}/s (${p.failed} failed${p.errors.length ? `: ${p.errors[0]}` : ''})`);
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const bareRate = mid(bare.map((r) => r.okPerSecond));
  const pharosRate = mid(pharos.map((r) => r.okPerSecond));
  const half = await openLoop({
    baseUrl: plan.pharosUrl,
    connections: Math.max(plan.connections, 64),
    durationMs: plan.halfRateMs,
    maxRequests: MAX_REQUESTS,
    rate: Math.max(1, pharosRate / 2),
    next,
    accept: plan.accept,
  });
  pharosOk += half.ok;
  pharosFailed += half.failed;
  const worst = (half.perSecond ?? []).reduce((a, b) => (b.p99 > a.p99 ? b : a), { second: 0, p99: 0 });
  log(
    `  Pharos at ${(pharosRate / 2).toFixed(0)}/s: p50 ${percentile(half.latencies, 50).toFixed(1)} ms, p99 ${percentile(half.latencies, 99).toFixed(1)} ms ` +
      `(worst second: #${worst.second + 1}, p99 ${worst.p99.toFixed(1)} ms)`,
  );
  const answered = pharos.reduce((sum, r) => sum + r.ok, 0);
  const perRequest = (seconds: number) => (answered > 0 ? (seconds * 1e6) / answered : 0);
  const cpu = plan.pharosCpuSeconds
    ? { pharos: perRequest(cpuUsed.pharos), postgres: perRequest(cpuUsed.postgres), loadGenerator: perRequest(cpuUsed.loadGenerator) }
    : undefined;
  if (cpu) log(`  CPU per request: Pharos ${cpu.pharos.toFixed(0)} µs, PostgreSQL ${cpu.postgres.toFixed(0)} µs, load generator ${cpu.loadGenerator.toFixed(0)} µs`);
  return { bare, pharos, half, bareRate, pharosRate, pharosOk, pharosFailed, ...(cpu ? { cpu } : {}) };
}

/** The rows every ingest benchmark prints. */
export function ingestRows(label: string, outcome: IngestOutcome, goals: { ratio: number; p99Ms?: number }): BenchRow[] {
  const ratio = outcome.pharosRate / outcome.bareRate;
  const p50 = percentile(outcome.half.latencies, 50);
  const p99 = percentile(outcome.half.latencies, 99);
  const rows: BenchRow[] = [
    { metric: `${label}: bare Node http (parse only)`, value: Math.round(outcome.bareRate), unit: 'req/s' },
    {
      metric: `${label}: Pharos, 200 = committed`,
      value: Math.round(outcome.pharosRate),
      unit: 'req/s',
      baseline: Math.round(outcome.bareRate),
      ratio,
      goal: `≥ ${goals.ratio * 100} % of bare`,
      met: ratio >= goals.ratio && outcome.pharosFailed === 0,
    },
    { metric: `${label}: p50 at half rate (${Math.round(outcome.pharosRate / 2)}/s)`, value: p50, unit: 'ms' },
  ];
  rows.push(
    goals.p99Ms === undefined
      ? { metric: `${label}: p99 at half rate`, value: p99, unit: 'ms' }
      : { metric: `${label}: p99 at half rate`, value: p99, unit: 'ms', goal: `≤ ${goals.p99Ms} ms`, met: p99 <= goals.p99Ms },
  );
  if (outcome.cpu) {
    rows.push(
      { metric: `${label}: Pharos CPU per request`, value: Math.round(outcome.cpu.pharos), unit: 'µs' },
      { metric: `${label}: PostgreSQL CPU per request`, value: Math.round(outcome.cpu.postgres), unit: 'µs' },
    );
  }
  return rows;
}
