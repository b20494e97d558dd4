import { Agent, request } from 'node:http';
import { percentile } from './report';

/** One request of a load run: built per request, so bodies and credentials can vary. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** JSON text; the open loop holds its prebuilt bodies as bytes. */
  body?: string | Buffer;
}

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** Answers by HTTP status (0: no answer — refused, reset, timed out). */
  statuses: Record<number, number>;
  /** Latency of each answered request, in ms, sorted. */
  latencies: number[];
  durationMs: number;
  /** Answered 2xx per second over the run. */
  okPerSecond: number;
  /** The first few error texts, to tell why requests failed. */
  errors: string[];
  /** Open loop: latency by the second the requests were due in (where a stall was). */
  perSecond?: SecondOfLatency[];
}

export interface SecondOfLatency {
  second: number;
  answered: number;
  p50: number;
  p99: number;
  max: number;
}

interface RunOptions {
  baseUrl: string;
  /** Requests in flight at once (closed loop) / keep-alive sockets (open loop). */
  connections: number;
  durationMs: number;
  /** A hard bound on the requests of the run, whatever the duration. */
  maxRequests: number;
  next: (index: number) => LoadRequest;
  /** What a 2xx must look like, when more than its status matters. */
  accept?: (status: number, body: string) => boolean;
}

function send(agent: Agent, base: URL, req: LoadRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    const r = request(
      { agent, host: base.hostname, port: base.port, method: req.method, path: req.path, headers, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', (e) => resolve({ status: 0, body: e.message }));
      },
    );
    r.on('timeout', () => r.destroy(new Error('timed out after 30 s')));
    r.on('error', (e) => resolve({ status: 0, body: e.message }));
    r.end(req.body);
  });
}

/** Counts an answer; true when it was a success (its latency recorded). */
function tally(result: LoadResult, status: number, body: string, latency: number, accept?: RunOptions['accept']): boolean {
  result.statuses[status] = (result.statuses[status] ?? 0) + 1;
  const good = status >= 200 && status < 300 && (!accept || accept(status, body));
  if (good) {
    result.ok++;
    result.latencies.push(latency);
  } else {
    result.failed++;
    if (result.errors.length < 5) result.errors.push(`${status} ${body.slice(0, 200)}`);
  }
  return good;
}

function emptyResult(): LoadResult {
  return { sent: 0, ok: 0, failed: 0, statuses: {}, latencies: [], durationMs: 0, okPerSecond: 0, errors: [] };
}

function finish(result: LoadResult, started: number): LoadResult {
  result.durationMs = performance.now() - started;
  result.okPerSecond = result.ok / (result.durationMs / 1000);
  result.latencies.sort((a, b) => a - b);
  return result;
}

/**
 * Closed loop: `connections` clients, each sending its next request as soon as the previous is
 * answered, for `durationMs` (or `maxRequests`): the sustained throughput of the server.
 */
export async function closedLoop(options: RunOptions): Promise<LoadResult> {
  const base = new URL(options.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const result = emptyResult();
  const started = performance.now();
  const deadline = started + options.durationMs;
  const worker = async () => {
    while (performance.now() < deadline && result.sent < options.maxRequests) {
      const req = options.next(result.sent++);
      const t0 = performance.now();
      const { status, body } = await send(agent, base, req);
      tally(result, status, body, performance.now() - t0, options.accept);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  agent.destroy();
  return finish(result, started);
}

/**
 * Open loop: requests start at a fixed `rate` per second whatever the answers do, and each
 * latency counts from when its request was due (so a stall is not hidden by sending less).
 * The requests are built before the clock starts: building them (a node report is ~150 µs of
 * JSON) on the cores the server shares would be counted as the server's latency.
 */
export async function openLoop(options: RunOptions & { rate: number }): Promise<LoadResult> {
  const base = new URL(options.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const result = emptyResult();
  const total = Math.min(options.maxRequests, Math.floor((options.rate * options.durationMs) / 1000));
  // Built before the clock starts, and held as bytes outside the JavaScript heap: as strings
  // (~60,000 of them in a full run) they made the generator's own collections long enough to
  // show up as latency of the server it measures.
  const requests = Array.from({ length: total }, (_, i) => {
    const request = options.next(i);
    return request.body === undefined ? request : { ...request, body: Buffer.from(request.body) };
  });
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  const bySecond: number[][] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const req = requests[i]!;
    result.sent++;
    const second = (bySecond[Math.floor((due - started) / 1000)] ??= []);
    inFlight.push(
      send(agent, base, req).then(({ status, body }) => {
        const latency = performance.now() - due;
        if (tally(result, status, body, latency, options.accept)) second.push(latency);
      }),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  result.perSecond = bySecond.map((latencies, second) => {
    latencies.sort((a, b) => a - b);
    return { second, answered: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? NaN };
  });
  return finish(result, started);
}
