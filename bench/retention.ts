import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from 'pg';
import { createBenchDatabase, ROOT } from './support/pharos-process';
import { type BenchResult, machine, percentile } from './support/report';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MB = 1024 * 1024;

/** A module of the built server (decorator metadata needs tsc's output, not tsx's). */
const dist = (file: string): Promise<any> => import(pathToFileURL(path.join(ROOT, 'dist', 'apps', 'server', 'src', file)).href);

interface Fleet {
  nodes: string[];
  agents: string[];
  daemons: { serverId: string; daemonId: string; containers: string[] }[];
  userId: string;
}

/**
 * Bounded storage: a realistic fleet's day of data is written with past timestamps, hour by
 * hour, the retention job running after each simulated hour (every retention set to one day)
 * and a plain VACUUM after it, as autovacuum would; then a second day the same way. The
 * database must be about the same size after the second day as after the first. Alongside,
 * single-row inserts probe how long the retention's batches make ingest wait.
 */
export async function retention(quick: boolean): Promise<BenchResult> {
  const db = await createBenchDatabase();
  if (!db) throw new Error('the retention benchmark needs PostgreSQL (TEST_DATABASE_URL)');
  const size = { nodes: quick ? 8 : 40, agents: quick ? 8 : 40, daemons: quick ? 3 : 10, containers: quick ? 10 : 20 };
  const { loadConfig } = await dist('platform/config/load-config.js');
  const { PharosConfig } = await dist('platform/config/pharos-config.js');
  const { createPharosApp } = await dist('create-app.js');
  const { RetentionJob } = await dist('platform/retention/retention-job.js');
  const { MetricRetentionService } = await dist('fleet/metrics/metric-retention.service.js');
  const oneDay = ['METRICS_RAW_RETENTION_DAYS', 'METRICS_MINUTE_RETENTION_DAYS', 'METRICS_HOUR_RETENTION_DAYS', 'EVENT_LOG_RETENTION_DAYS', 'AUDIT_LOG_RETENTION_DAYS', 'COMMAND_RETENTION_DAYS', 'ALERT_INCIDENT_RETENTION_DAYS', 'LIGHTD_UPDATE_RETENTION_DAYS', 'REFRESH_TOKEN_RETENTION_DAYS'];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pharos-bench-retention-'));
  const config = new PharosConfig({
    ...loadConfig({ PHAROS_DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: 'warn', RETENTION_INTERVAL_SECONDS: '0', ...Object.fromEntries(oneDay.map((v) => [v, '1'])) }),
  });
  const app = await createPharosApp(config);
  await app.init();
  const sql = new Client({ connectionString: db.url });
  await sql.connect();
  const probe = new Client({ connectionString: db.url });
  await probe.connect();
  const notes: string[] = [];
  try {
    const job = app.get(RetentionJob);
    const fleet = await makeFleet(sql, size);
    // Days from UTC midnight: raw samples go a whole day partition at a time, so both days end
    // with exactly one day of them.
    const day1 = Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS;
    await app.get(MetricRetentionService).ensureDayPartitions(new Date(day1 - DAY_MS), new Date(day1 + 3 * DAY_MS));
    const probeMs: number[] = [];
    const passMs: number[] = [];
    let written = 0;
    let removed = 0;
    const sizes: number[] = [];
    const started = performance.now();
    for (const day of [day1, day1 + DAY_MS]) {
      for (let hour = day; hour < day + DAY_MS; hour += HOUR_MS) {
        written += await writeHour(sql, fleet, new Date(hour));
        const passStarted = performance.now();
        const pass: Promise<Record<string, number>> = job.run(new Date(hour + HOUR_MS));
        let done = false;
        void pass.finally(() => (done = true));
        while (!done) probeMs.push(await probeInsert(probe, fleet.nodes[0]!));
        removed += Object.values(await pass).reduce((a, b) => a + b, 0);
        passMs.push(performance.now() - passStarted);
        await sql.query(`DELETE FROM "EventLogEntry" WHERE "kind" = 'bench.probe'`);
        await sql.query('VACUUM');
      }
      sizes.push(await databaseSize(sql));
    }
    const tables = await tableSizes(sql);
    notes.push(
      `${size.nodes} Ithiltir nodes (a sample every 3 s), ${size.agents} agents (5 s), ${size.daemons} Lightd daemons × ${size.containers} containers (usage every 10 s), with their event log, audit, commands, alerts, Lightd updates and refresh tokens; every retention one day`,
      `${written.toLocaleString('en')} rows written over two simulated days in ${((performance.now() - started) / 1000).toFixed(0)} s; ${removed.toLocaleString('en')} removed by the retention (plus whole day partitions of raw samples)`,
      `largest tables after day 2: ${tables.slice(0, 4).map((t) => `${t.name} ${(t.bytes / MB).toFixed(1)} MB`).join(', ')}`,
    );
    const ratio = sizes[1]! / sizes[0]!;
    const probeP99 = percentile(probeMs.sort((a, b) => a - b), 99);
    return {
      name: 'retention',
      title: 'Bounded storage: database size over two simulated days (PostgreSQL)',
      quick,
      startedAt: new Date().toISOString(),
      machine: machine(),
      rows: [
        { metric: 'database after day 1', value: Math.round((sizes[0]! / MB) * 10) / 10, unit: 'MB' },
        { metric: 'database after day 2', value: Math.round((sizes[1]! / MB) * 10) / 10, unit: 'MB', baseline: Math.round((sizes[0]! / MB) * 10) / 10, ratio, goal: '≤ 110 % of day 1', met: ratio <= 1.1 },
        { metric: 'longest retention pass (one simulated hour)', value: Math.round(Math.max(...passMs)), unit: 'ms' },
        { metric: 'single-row insert while it runs, p99', value: Math.round(probeP99 * 10) / 10, unit: 'ms', goal: '≤ 50 ms', met: probeP99 <= 50 },
      ],
      notes,
    };
  } finally {
    await probe.end();
    await sql.end();
    await app.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function makeFleet(sql: Client, size: { nodes: number; agents: number; daemons: number; containers: number }): Promise<Fleet> {
  const servers = async (source: string, n: number, name: string) =>
    (
      await sql.query<{ id: string }>(
        `INSERT INTO "Server" ("id", "name", "source", "updatedAt") SELECT gen_random_uuid(), $2 || i, $1::"ServerSource", now() FROM generate_series(1, $3) i RETURNING "id"`,
        [source, name, n],
      )
    ).rows.map((r) => r.id);
  const nodes = await servers('ithiltir', size.nodes, 'node-');
  const agents = await servers('agent', size.agents, 'agent-');
  const daemonServers = await servers('lightd', size.daemons, 'lightd-');
  const daemons: Fleet['daemons'] = [];
  for (const [i, serverId] of daemonServers.entries()) {
    const { rows } = await sql.query<{ id: string }>(`INSERT INTO "LightdDaemon" ("id", "name", "serverId", "apiUrl", "updatedAt") VALUES (gen_random_uuid(), $1, $2, 'http://127.0.0.1:9', now()) RETURNING "id"`, [`lightd-${i}`, serverId]);
    const daemonId = rows[0]!.id;
    const containers = (
      await sql.query<{ id: string }>(
        `INSERT INTO "LightdContainer" ("id", "daemonId", "internalId", "status") SELECT gen_random_uuid(), $1, 'mc-' || i, 'ready' FROM generate_series(1, $2) i RETURNING "id"`,
        [daemonId, size.containers],
      )
    ).rows.map((r) => r.id);
    daemons.push({ serverId, daemonId, containers });
  }
  const user = await sql.query<{ id: string }>(`SELECT "id" FROM "User" LIMIT 1`);
  return { nodes, agents, daemons, userId: user.rows[0]!.id };
}

/** One simulated hour of the fleet, from `from`; returns the rows written. */
async function writeHour(sql: Client, fleet: Fleet, from: Date): Promise<number> {
  const to = new Date(from.getTime() + HOUR_MS);
  const range = [from.toISOString(), to.toISOString()];
  let rows = 0;
  const run = async (query: string, params: unknown[]) => (rows += (await sql.query(query, params)).rowCount ?? 0);
  // Raw samples: nodes every 3 s (with per-interface and per-filesystem series), agents every 5 s.
  for (const [ids, step] of [
    [fleet.nodes, 3],
    [fleet.agents, 5],
  ] as const) {
    await run(
      `INSERT INTO "MetricSample" ("serverId", "at", "cpuPercent", "memoryPercent", "swapPercent", "diskPercent", "load1", "load5", "load15", "netRxBytesPerS", "netTxBytesPerS", "diskReadBytesPerS", "diskWriteBytesPerS", "tcpCount", "udpCount", "processCount", "series")
       SELECT s, t, random() * 100, 40 + random() * 20, random(), 50 + random(), random() * 4, random() * 4, random() * 4, random() * 1e6, random() * 1e6, random() * 1e6, random() * 1e6,
              (random() * 200)::int, (random() * 20)::int, (100 + random() * 50)::int,
              jsonb_build_object('iface_rx_bytes_per_sec', jsonb_build_object('eth0', random() * 1e6, 'eth1', random() * 1e5),
                                 'iface_tx_bytes_per_sec', jsonb_build_object('eth0', random() * 1e6, 'eth1', random() * 1e5),
                                 'fs_used_percent', jsonb_build_object('/', 40 + random(), '/var', 60 + random()))
         FROM unnest($3::uuid[]) s, generate_series($1::timestamptz, $2::timestamptz - make_interval(secs => $4), make_interval(secs => $4)) t`,
      [...range, ids, step],
    );
  }
  // Each daemon's usage sample every 10 s: every container's gauges and their sums.
  for (const daemon of fleet.daemons) {
    await run(
      `INSERT INTO "MetricSample" ("serverId", "at", "processCount", "series")
       SELECT $3::uuid, t, $4::int, (SELECT jsonb_object_agg(name, values) FROM (
                 SELECT 'container_' || g AS name, jsonb_object_agg('mc-' || i, round((random() * 4)::numeric, 4)) AS values FROM unnest(ARRAY['memory_gb', 'cpu_vcpus', 'storage_gb', 'egress_gb', 'cost']) g, generate_series(1, $4) i GROUP BY g
                 UNION ALL SELECT 'daemon_' || g, jsonb_build_object('all', random() * 40) FROM unnest(ARRAY['memory_gb', 'cpu_vcpus', 'storage_gb', 'egress_gb', 'cost']) g) x)
         FROM generate_series($1::timestamptz, $2::timestamptz - interval '10 seconds', interval '10 seconds') t`,
      [...range, daemon.serverId, daemon.containers.length],
    );
  }
  // Their rollups, as Pharos keeps them.
  for (const [table, unit] of [
    ['MetricRollup1m', 60],
    ['MetricRollup1h', 3600],
  ] as const) {
    await run(
      `INSERT INTO "${table}" ("serverId", "bucket", "samples", "cpuPercent", "cpuPercentMax", "memoryPercent", "memoryPercentMax", "load1", "netRxBytesPerS", "netTxBytesPerS", "processCount", "series")
       SELECT "serverId", date_bin(make_interval(secs => ${unit}), "at", 'epoch'), count(*), avg("cpuPercent"), max("cpuPercent"), avg("memoryPercent"), max("memoryPercent"),
              avg("load1"), avg("netRxBytesPerS"), avg("netTxBytesPerS"), avg("processCount"), (array_agg("series"))[1]
         FROM "MetricSample" WHERE "at" >= $1::timestamptz AND "at" < $2::timestamptz GROUP BY 1, 2`,
      range,
    );
  }
  const servers = [...fleet.nodes, ...fleet.agents, ...fleet.daemons.map((d) => d.serverId)];
  // The event log: a few entries an hour per server, one per container status move.
  await run(
    `INSERT INTO "EventLogEntry" ("subjectType", "subjectId", "at", "level", "kind", "message", "data")
     SELECT 'server', s, $1::timestamptz + random() * interval '1 hour', 'INFO', 'server.online', 'Server is online again after a short network interruption', jsonb_build_object('previousStatus', 'offline')
       FROM unnest($2::uuid[]) s, generate_series(1, 4)`,
    [range[0], servers],
  );
  for (const daemon of fleet.daemons) {
    await run(
      `INSERT INTO "LightdUpdate" ("daemonId", "containerId", "receivedAt", "event", "status", "body")
       SELECT $2::uuid, c, $1::timestamptz + random() * interval '1 hour', 'update', 'installing', json_build_object('event', 'update', 'server', 'mc', 'status', 'installing')
         FROM unnest($3::uuid[]) c WHERE random() < 0.1`,
      [range[0], daemon.daemonId, daemon.containers],
    );
  }
  // Admins at work: audit entries, commands on agents, alerts, refresh tokens rotated every 15 min.
  await run(
    `INSERT INTO "AuditEntry" ("at", "actorId", "actorName", "action", "targetType", "targetId", "data")
     SELECT $1::timestamptz + random() * interval '1 hour', $2::uuid, 'admin', 'command.run', 'server', gen_random_uuid()::text, '{"command":"uptime"}'::jsonb FROM generate_series(1, 10)`,
    [range[0], fleet.userId],
  );
  await run(
    `INSERT INTO "Command" ("id", "serverId", "kind", "command", "state", "requestedAt", "expiresAt", "completedAt", "output", "exitCode", "durationMs", "success")
     SELECT gen_random_uuid(), s, 'shell', 'df -h', 'completed', $1::timestamptz, $2::timestamptz, $1::timestamptz + interval '2 seconds', repeat('Filesystem 1K-blocks Used Available Use% Mounted on ', 10), 0, 2000, true
       FROM unnest($3::uuid[]) s`,
    [...range, fleet.agents],
  );
  await run(
    `INSERT INTO "AlertIncident" ("id", "serverId", "ruleName", "severity", "metric", "op", "threshold", "value", "firedAt", "resolvedAt", "resolvedValue")
     SELECT gen_random_uuid(), s, 'cpu high', 'warning', 'cpu_percent', 'gt', 90, 95, $1::timestamptz, $1::timestamptz + interval '5 minutes', 40 FROM unnest($2::uuid[]) s WHERE random() < 0.2`,
    [range[0], servers],
  );
  await run(
    `INSERT INTO "RefreshToken" ("id", "userId", "tokenHash", "familyId", "createdAt", "expiresAt", "usedAt", "revokedAt")
     SELECT gen_random_uuid(), $3::uuid, md5(random()::text), gen_random_uuid(), t, t + interval '30 days', t + interval '15 minutes', t + interval '15 minutes'
       FROM generate_series($1::timestamptz, $2::timestamptz - interval '15 minutes', interval '15 minutes') t`,
    [...range, fleet.userId],
  );
  return rows;
}

/** One event-log insert, as ingest writes them; its time in ms. */
async function probeInsert(client: Client, serverId: string): Promise<number> {
  const started = performance.now();
  await client.query(`INSERT INTO "EventLogEntry" ("subjectType", "subjectId", "kind", "message") VALUES ('server', $1, 'bench.probe', 'probe')`, [serverId]);
  return performance.now() - started;
}

async function databaseSize(sql: Client): Promise<number> {
  return Number((await sql.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n')).rows[0]!.n);
}

async function tableSizes(sql: Client): Promise<{ name: string; bytes: number }[]> {
  const { rows } = await sql.query<{ name: string; bytes: string }>(
    `SELECT COALESCE(p.relname, c.relname) AS name, sum(pg_total_relation_size(c.oid)) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_inherits i ON i.inhrelid = c.oid LEFT JOIN pg_class p ON p.oid = i.inhparent
      WHERE n.nspname = 'public' AND c.relkind = 'r' GROUP BY 1 ORDER BY 2 DESC`,
  );
  return rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
}
