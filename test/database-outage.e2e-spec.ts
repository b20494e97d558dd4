import { PrismaService } from '@pharos/database';
import pino from 'pino';
import { eventually } from './support/eventually';
import { IthiltirNodeEmulator } from './support/ithiltir-node-emulator';
import { LightdEmulator } from './support/lightd-emulator';
import { startPharos, type RunningPharos } from './support/pharos-test-app';
import { TcpGate } from './support/tcp-gate';
import { adminUrl, createTestDatabase, TEST_DB_MODE_VAR, type TestDatabase } from './support/test-database';

/**
 * A PostgreSQL that stops answering (hung, its processes stopped) or goes away must cost
 * clients a bounded wait and a 503 they can retry, never a hang or a 500, and cost the log one
 * line, not one per request (issue 17). Pharos reaches PostgreSQL through a TCP gate the test
 * stalls (nothing forwarded, as a stopped server) or shuts (connections refused and cut).
 */
const onPostgres = process.env[TEST_DB_MODE_VAR] === 'postgres';
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Short bounds, so a stalled database shows within a second or two. */
const TIMEOUTS = {
  DATABASE_CONNECT_TIMEOUT_MS: '500',
  DATABASE_POOL_TIMEOUT_MS: '1000',
  DATABASE_STATEMENT_TIMEOUT_MS: '1000',
  DATABASE_QUERY_TIMEOUT_MS: '1500',
  READY_TIMEOUT_MS: '1000',
  // Longer than each test: the outage's periodic line does not come up.
  DATABASE_OUTAGE_LOG_SECONDS: '300',
};

interface Setup {
  pharos: RunningPharos;
  gate: TcpGate;
  db: TestDatabase;
  lines: { level: number; msg: string }[];
  token: string;
  /** Ten nodes (each report of a node is stored under its own time; ten at once keep them apart). */
  nodes: { node: IthiltirNodeEmulator; serverId: string }[];
  /** Node reports answered 200 so far. */
  acknowledged: number;
  lightd: LightdEmulator;
  daemonId: string;
}

async function setUp(): Promise<Setup> {
  const db = await createTestDatabase();
  const gate = await TcpGate.start(Number(new URL(adminUrl()).port || 5432));
  const url = new URL(db.target.kind === 'postgres' ? db.target.url : '');
  url.port = String(gate.port);
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const pharos = await startPharos({
    database: { ...db, target: { kind: 'postgres', url: url.toString(), poolSize: 5 } },
    env: TIMEOUTS,
    logger,
  });
  const token = await pharos.login();
  const nodes = await Promise.all(
    range(10).map(async (i) => {
      const created = await pharos.request('/api/v1/nodes', { token, body: { name: `outage-node-${i}` } });
      expect(created.status).toBe(201);
      const node = new IthiltirNodeEmulator({ targetUrl: `${pharos.baseUrl}/api/node/metrics`, key: created.body.secret });
      expect((await node.report()).status).toBe(200);
      return { node, serverId: created.body.node.id as string };
    }),
  );
  const daemon = await pharos.request('/api/v1/lightd/daemons', { token, body: { name: 'outage-daemon', apiUrl: 'http://127.0.0.1:9' } });
  expect(daemon.status).toBe(201);
  const lightd = new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: daemon.body.remoteToken });
  expect((await lightd.sendStatus('c-1', 'installing')).status).toBe(200);
  return { pharos, gate, db, lines, token, nodes, acknowledged: nodes.length, lightd, daemonId: daemon.body.daemon.id };
}

async function tearDown(setup: Setup | undefined): Promise<void> {
  if (!setup) return;
  setup.gate.resume();
  setup.gate.open = true;
  await setup.pharos.close();
  await setup.gate.close();
  await setup.db.drop();
}

/** Lines about the database being unreachable (an outage starting, or lasting). */
const outageLines = (s: Setup) => s.lines.filter((l) => /^database unreachable/.test(l.msg));
/** Lines a request logs when it fails with an error of its own (a 500, or a store failure logged per request). */
const perRequestLines = (s: Setup) => s.lines.filter((l) => l.msg === 'request failed' || /^could not store/.test(l.msg) || l.msg === 'agent message failed');

/** One report from each node, at once; the 200s are counted as acknowledged. */
async function reportAll(s: Setup): Promise<number[]> {
  const statuses = (await Promise.all(s.nodes.map(({ node }) => node.report()))).map((r) => r.status);
  s.acknowledged += statuses.filter((status) => status === 200).length;
  return statuses;
}

/**
 * While the database is away: /readyz 503 in time, /healthz 200, and every write refused with
 * 503 (JSON, Retry-After), node reports and Lightd updates included, each answered (no hang).
 */
async function expectRefusals(s: Setup, label: string): Promise<void> {
  const started = performance.now();
  const ready = await s.pharos.request('/readyz');
  expect({ status: ready.status, withinTwoSeconds: performance.now() - started < 2000 }).toEqual({ status: 503, withinTwoSeconds: true });
  expect(ready.body).toMatchObject({ statusCode: 503, message: 'database unreachable' });
  expect((await s.pharos.request('/healthz')).status).toBe(200);

  const [reports, updates, adminWrite] = await Promise.all([
    Promise.all(s.nodes.flatMap(({ node }) => [node.report(), node.report()])),
    Promise.all(range(20).map((i) => s.lightd.sendError(`c-${i % 3}`, 'failed', `${label} ${i}`))),
    s.pharos.request('/api/v1/servers', { token: s.token, body: { name: `${label}-server` } }),
  ]);
  expect(reports.map((r) => r.status)).toEqual(range(20).map(() => 503));
  expect(JSON.parse(reports[0]!.text)).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
  expect(updates.map((r) => r.status)).toEqual(range(20).map(() => 503));
  expect(adminWrite.status).toBe(503);
  expect(adminWrite.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: expect.any(String) });
  expect(Number(adminWrite.headers.get('retry-after'))).toBeGreaterThan(0);
}

/** Once the database answers again: ready, writes stored, and every write answered 200 kept. */
async function expectRecovery(s: Setup, label: string): Promise<void> {
  await eventually(async () => expect((await s.pharos.request('/readyz')).status).toBe(200), 15_000);
  const recovered = await eventually(async () => {
    const found = s.lines.filter((l) => /^database reachable again after/.test(l.msg));
    expect(found).toHaveLength(1);
    return found[0]!.msg;
  }, 15_000);
  // Each refused request counts, also those of one refused batch: 20 reports, 20 updates and an admin write each time.
  expect(Number(/, (\d+) requests refused meanwhile$/.exec(recovered)?.[1])).toBeGreaterThanOrEqual(41);
  expect(await reportAll(s)).toEqual(range(10).map(() => 200));
  const updates = await Promise.all(range(10).map((i) => s.lightd.sendError(`c-${i % 3}`, 'failed', `${label} after ${i}`)));
  expect(updates.map((r) => r.status)).toEqual(range(10).map(() => 200));
  expect((await s.pharos.request('/api/v1/servers', { token: s.token, body: { name: `${label}-after` } })).status).toBe(201);

  const prisma = s.pharos.app.get(PrismaService);
  // Every report answered 200 is stored (one answered 503 may have been stored too: a write
  // whose answer was lost is not known to have failed).
  expect(await prisma.metricSample.count({ where: { serverId: { in: s.nodes.map((n) => n.serverId) } } })).toBeGreaterThanOrEqual(s.acknowledged);
  const data = (await prisma.lightdUpdate.findMany({ where: { daemonId: s.daemonId } })).map((u) => u.data);
  for (const i of range(10)) expect(data).toContain(`${label} after ${i}`);
}

(onPostgres ? describe : describe.skip)('a PostgreSQL that stops answering', () => {
  let s: Setup | undefined;

  beforeAll(async () => {
    s = await setUp();
  });
  afterAll(() => tearDown(s));

  it('gives 503s in time, never 500 nor a hang, logs one line for the outage, and loses no acknowledged write', async () => {
    const setup = s!;
    // A few routine reports first (the pool holds live connections when the database stalls).
    for (const _ of range(3)) expect(await reportAll(setup)).toEqual(range(10).map(() => 200));
    setup.gate.stall();
    await expectRefusals(setup, 'stalled');
    await expectRefusals(setup, 'still stalled');
    expect(outageLines(setup)).toHaveLength(1);
    expect(perRequestLines(setup)).toEqual([]);

    setup.gate.resume();
    await expectRecovery(setup, 'stalled');
    expect(outageLines(setup)).toHaveLength(1);
    expect(perRequestLines(setup)).toEqual([]);
  });
});

(onPostgres ? describe : describe.skip)('a PostgreSQL that is down', () => {
  let s: Setup | undefined;

  beforeAll(async () => {
    s = await setUp();
  });
  afterAll(() => tearDown(s));

  it('gives 503s at once while connections are refused, one outage line, and recovers', async () => {
    const setup = s!;
    setup.gate.open = false;
    setup.gate.cut();
    await expectRefusals(setup, 'down');
    expect(outageLines(setup)).toHaveLength(1);
    expect(perRequestLines(setup)).toEqual([]);

    setup.gate.open = true;
    await expectRecovery(setup, 'down');
    expect(outageLines(setup)).toHaveLength(1);
    expect(perRequestLines(setup)).toEqual([]);
  });
});
