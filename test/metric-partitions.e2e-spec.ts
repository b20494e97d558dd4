import { Client } from 'pg';
import { MetricRetentionService } from '../apps/server/src/fleet/metrics/metric-retention.service';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

const DAY_MS = 86_400_000;

/** Resolves once `count` lock requests on the raw samples' tables wait (polled). */
async function lockWaiters(sql: Client, count: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE NOT l.granted AND c.relname IN ('MetricSample', 'MetricSample_default')`,
    );
    if (Number(rows[0]!.n) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`fewer than ${count} lock waits on the raw samples after 10 s`);
}

/**
 * A day partition of the raw samples is made while samples are being written (ahead of each
 * day, and before imports). A sample routed to the default partition just before the new day's
 * partition was attached must not then fail that partition's constraint: it would be a report
 * refused (or a batch split) for no fault of its own.
 */
describe('metric partitions made while samples are written', () => {
  let pharos: RunningPharos;
  const clients: Client[] = [];

  beforeAll(async () => {
    pharos = await startPharos();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await pharos?.close();
  });

  async function connect(): Promise<Client> {
    const target = pharos.config.database;
    if (target.kind !== 'postgres') throw new Error('needs PostgreSQL (TEST_DATABASE_URL)');
    const client = new Client({ connectionString: target.url });
    await client.connect();
    clients.push(client);
    return client;
  }

  it('a sample of the day whose partition is being attached lands in it, not in an error', async () => {
    const sql = await connect();
    const blocker = await connect();
    const writer = await connect();
    const { rows } = await sql.query<{ id: string }>(
      `INSERT INTO "Server" ("id", "name", "source", "createdAt", "updatedAt") VALUES (gen_random_uuid(), 'partition-race', 'ithiltir', now(), now()) RETURNING "id"`,
    );
    const serverId = rows[0]!.id;
    // A day no partition was made for yet.
    const day = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + 40 * DAY_MS);
    const partition = `MetricSample_p${day.toISOString().slice(0, 10).replace(/-/g, '')}`;

    // Holds the attach back (it needs this lock on the parent; a write does not) until the
    // sample below has been sent.
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE "MetricSample" IN SHARE UPDATE EXCLUSIVE MODE');
    const created = pharos.app.get(MetricRetentionService).ensureDayPartitions(day, new Date(day.getTime() + DAY_MS));
    await lockWaiters(sql, 1);
    const written = writer.query(`INSERT INTO "MetricSample" ("serverId", "at", "cpuPercent") VALUES ($1::uuid, $2::timestamptz, 42)`, [
      serverId,
      new Date(day.getTime() + 3_600_000).toISOString(),
    ]);
    await lockWaiters(sql, 2);
    await blocker.query('COMMIT');

    expect(await created).toEqual([partition]);
    await expect(written).resolves.toMatchObject({ rowCount: 1 });
    const stored = await sql.query<{ partition: string }>(`SELECT tableoid::regclass::text AS partition FROM "MetricSample" WHERE "serverId" = $1::uuid`, [serverId]);
    expect(stored.rows).toEqual([{ partition: `"${partition}"` }]);
  });
});
