import { Client } from 'pg';
import { type BenchResult, type BenchRow, machine, median, percentile } from './support/report';
import { createBenchDatabase, PharosProcess } from './support/pharos-process';

const DAY = 86_400_000;

/**
 * History query: 30 days of 3-second samples for one server (864,000 raw rows, with the
 * minute and hour rollups Pharos keeps), then the chart query for 1,000 points over the month
 * through the API. Baseline in the same run: the same chart aggregated from the raw samples
 * directly in SQL, which is what it would cost without rollups. Then, once the raw samples are
 * compacted into blocks (as the rollup flush does in a running system), raw-resolution charts
 * over the last day (28,800 samples): 1,000 points and 5,000, the most the API allows.
 */
export async function historyQuery(quick: boolean): Promise<BenchResult> {
  const db = await createBenchDatabase();
  if (!db) throw new Error('the history benchmark needs PostgreSQL (TEST_DATABASE_URL)');
  let pharos = await PharosProcess.start({ DATABASE_URL: db.url }).catch(async (error: unknown) => {
    await db.drop(); // a Pharos that never started leaves no database behind
    throw error;
  });
  const notes: string[] = [];
  try {
    const token = await pharos.token();

    const created = await fetch(`${pharos.baseUrl}/api/v1/servers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'history-bench' }),
    });
    const { id } = (await created.json()) as { id: string };
    const to = new Date(Math.floor(Date.now() / 3600_000) * 3600_000);
    const from = new Date(to.getTime() - 30 * DAY);

    // Loaded and timed with Pharos stopped: its retention pass would start compacting the
    // samples while they are loaded and measured raw.
    await pharos.stop();
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    const loadStarted = performance.now();
    await sql.query(
      `INSERT INTO "MetricSample" ("serverId", "at", "cpuPercent", "memoryPercent", "load1", "netRxBytesPerS", "netTxBytesPerS")
       SELECT $1::uuid, t, 50 + 40 * sin(extract(epoch FROM t) / 3600), 60 + 10 * cos(extract(epoch FROM t) / 7200),
              1 + random(), 1e5 * random(), 5e4 * random()
         FROM generate_series($2::timestamptz, $3::timestamptz - interval '3 seconds', interval '3 seconds') AS t`,
      [id, from.toISOString(), to.toISOString()],
    );
    for (const [table, unit] of [
      ['MetricRollup1m', '60'],
      ['MetricRollup1h', '3600'],
    ]) {
      await sql.query(
        `INSERT INTO "${table}" ("serverId", "bucket", "samples", "cpuPercent", "cpuPercentMax", "memoryPercent", "memoryPercentMax", "load1", "netRxBytesPerS", "netTxBytesPerS")
         SELECT "serverId", date_bin(make_interval(secs => ${unit}), "at", 'epoch'), count(*), avg("cpuPercent"), max("cpuPercent"),
                avg("memoryPercent"), max("memoryPercent"), avg("load1"), avg("netRxBytesPerS"), avg("netTxBytesPerS")
           FROM "MetricSample" WHERE "serverId" = $1::uuid GROUP BY 1, 2`,
        [id],
      );
    }
    await sql.query('ANALYZE');
    const { rows } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM "MetricSample" WHERE "serverId" = $1', [id]);
    notes.push(`${Number(rows[0]!.n).toLocaleString('en')} raw samples loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);

    const raw: number[] = [];
    const rawRuns = quick ? 3 : 10;
    for (let i = 0; i < rawRuns; i++) {
      const started = performance.now();
      await sql.query(
        `SELECT date_bin(make_interval(secs => 2592), "at", $2::timestamptz) AS t, avg("cpuPercent"), avg("memoryPercent")
           FROM "MetricSample" WHERE "serverId" = $1::uuid AND "at" >= $2 AND "at" < $3 GROUP BY 1 ORDER BY 1`,
        [id, from.toISOString(), to.toISOString()],
      );
      raw.push(performance.now() - started);
    }
    const rawMedian = median(raw);

    // As in a running system, whose minutes the rollup flush compacts as they end: a start's
    // first retention pass sweeps the loaded raw samples into blocks (one per minute).
    const sweepStarted = performance.now();
    // Raw days past 2 are dropped by that pass (the month's chart reads hour rollups): the sweep
    // then compacts two days, not thirty, and the benchmark stays short.
    pharos = await PharosProcess.start({ DATABASE_URL: db.url, METRICS_RAW_RETENTION_DAYS: '2' });
    for (;;) {
      const left = await sql.query<{ n: string }>('SELECT count(*) AS n FROM "MetricSample" WHERE "serverId" = $1', [id]);
      if (Number(left.rows[0]!.n) === 0) break;
      if (performance.now() - sweepStarted > 600_000) throw new Error('the loaded samples were not compacted within 10 minutes');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const blocks = await sql.query<{ n: string; samples: string }>('SELECT count(*) AS n, sum("samples") AS samples FROM "MetricBlock" WHERE "serverId" = $1', [id]);
    notes.push(
      `raw samples of the last 2 days compacted into ${Number(blocks.rows[0]!.n).toLocaleString('en')} blocks (${Number(blocks.rows[0]!.samples).toLocaleString('en')} samples) by the sweep at start, in ${((performance.now() - sweepStarted) / 1000).toFixed(1)} s (older days dropped by the same pass)`,
    );
    await sql.end();
    const apiToken = await pharos.token();
    const runs = quick ? 10 : 50;
    /** Timed requests of a chart after 3 warm-ups: sorted times, and what the last one answered. */
    const timeChart = async (query: string) => {
      const times: number[] = [];
      let body = { timestamps: [] as number[], resolution: '' };
      for (let i = 0; i < runs + 3; i++) {
        const started = performance.now();
        const res = await fetch(`${pharos.baseUrl}/api/v1/servers/${id}/metrics?${query}`, { headers: { authorization: `Bearer ${apiToken}` } });
        body = (await res.json()) as typeof body;
        if (res.status !== 200) throw new Error(`chart query answered ${res.status}: ${JSON.stringify(body)}`);
        if (i >= 3) times.push(performance.now() - started);
      }
      return { sorted: times.sort((a, b) => a - b), points: body.timestamps.length, resolution: body.resolution };
    };
    const month = await timeChart(`series=cpu_percent,memory_percent&from=${from.toISOString()}&to=${to.toISOString()}&points=1000`);
    const p50 = percentile(month.sorted, 50);
    const p95 = percentile(month.sorted, 95);
    notes.push(`API answered ${month.points} points at resolution ${month.resolution}; ${runs} timed requests after 3 warm-ups`);
    const dayFrom = new Date(to.getTime() - DAY).toISOString();
    const dayRows: BenchRow[] = [];
    for (const points of [1000, 5000]) {
      const day = await timeChart(`series=cpu_percent,memory_percent,load1,net_rx_bytes_per_sec&from=${dayFrom}&to=${to.toISOString()}&points=${points}&resolution=raw`);
      notes.push(`raw day, points=${points} (5,000 is the most the API allows): ${day.points} points answered from 28,800 samples in 1,440 blocks`);
      for (const p of [50, 95]) {
        const value = percentile(day.sorted, p);
        dayRows.push({ metric: `raw resolution over a day (28,800 samples), points=${points}, p${p}`, value, unit: 'ms', goal: '≤ 200 ms', met: value <= 200 });
      }
    }

    return {
      name: 'history-query',
      title: 'History query: 1,000-point chart over 30 days of 3 s samples (PostgreSQL)',
      quick,
      startedAt: new Date().toISOString(),
      machine: machine(),
      rows: [
        { metric: 'baseline: same chart from raw samples (SQL only)', value: rawMedian, unit: 'ms' },
        { metric: 'Pharos API chart query p50', value: p50, unit: 'ms', baseline: rawMedian, ratio: p50 / rawMedian, goal: '≤ 100 ms', met: p50 <= 100 },
        { metric: 'Pharos API chart query p95', value: p95, unit: 'ms', baseline: rawMedian, ratio: p95 / rawMedian, goal: '≤ 100 ms', met: p95 <= 100 },
        ...dayRows,
      ],
      notes,
    };
  } finally {
    await pharos.stop();
    await db.drop();
  }
}
