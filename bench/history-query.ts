import { Client } from 'pg';
import { type BenchResult, machine, median, percentile } from './support/report';
import { createBenchDatabase, PharosProcess } from './support/pharos-process';

const DAY = 86_400_000;

/**
 * History query: 30 days of 3-second samples for one server (864,000 raw rows, with the
 * minute and hour rollups Pharos keeps), then the chart query for 1,000 points over the month
 * through the API. Baseline in the same run: the same chart aggregated from the raw samples
 * directly in SQL, which is what it would cost without rollups.
 */
export async function historyQuery(quick: boolean): Promise<BenchResult> {
  const db = await createBenchDatabase();
  if (!db) throw new Error('the history benchmark needs PostgreSQL (TEST_DATABASE_URL)');
  const pharos = await PharosProcess.start({ DATABASE_URL: db.url }).catch(async (error: unknown) => {
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

    const url = `${pharos.baseUrl}/api/v1/servers/${id}/metrics?series=cpu_percent,memory_percent&from=${from.toISOString()}&to=${to.toISOString()}&points=1000`;
    const runs = quick ? 10 : 50;
    const api: number[] = [];
    let points = 0;
    let resolution = '';
    for (let i = 0; i < runs + 3; i++) {
      const started = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { timestamps: number[]; resolution: string };
      if (i >= 3) api.push(performance.now() - started);
      points = body.timestamps.length;
      resolution = body.resolution;
    }
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
    await sql.end();
    const sorted = [...api].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p95 = percentile(sorted, 95);
    const rawMedian = median(raw);
    notes.push(`API answered ${points} points at resolution ${resolution}; ${runs} timed requests after 3 warm-ups`);
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
      ],
      notes,
    };
  } finally {
    await pharos.stop();
    await db.drop();
  }
}
