import { PrismaService } from '@pharos/database';
import type { LogEntryData } from '@pharos/protocol';
import { FleetEventBus } from '../apps/server/src/platform/events/fleet-event-bus';
import { hashSecret } from '../apps/server/src/platform/secrets/secret-token';
import { eventually } from './support/eventually';
import { LightdEmulator } from './support/lightd-emulator';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

interface Registered {
  id: string;
  token: string;
  lightd: LightdEmulator;
}

async function registerDaemon(pharos: RunningPharos, admin: string, name: string, prefix = '/api/lightd'): Promise<Registered> {
  const res = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name, apiUrl: 'http://127.0.0.1:9' } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.daemon.id, token: res.body.remoteToken, lightd: new LightdEmulator({ url: `${pharos.baseUrl}${prefix}`, token: res.body.remoteToken }) };
}

/** Row counts of everything an update can write. */
async function storedCounts(prisma: PrismaService) {
  return {
    updates: await prisma.lightdUpdate.count(),
    containers: await prisma.lightdContainer.count(),
    events: await prisma.eventLogEntry.count(),
  };
}

describe('Lightd remote receiver', () => {
  let pharos: RunningPharos;
  let prisma: PrismaService;
  let admin: string;
  let node7: Registered;
  let node8: Registered;
  const published: { subjectId: string; entry: LogEntryData }[] = [];

  beforeAll(async () => {
    pharos = await startPharos();
    prisma = pharos.app.get(PrismaService);
    admin = await pharos.login();
    node7 = await registerDaemon(pharos, admin, 'node-7');
    // The second daemon reports to the root, as Lightd's design card has it.
    node8 = await registerDaemon(pharos, admin, 'node-8', '');
    pharos.app.get(FleetEventBus).subscribeAll('log', (entry, subjectId) => published.push({ subjectId, entry }));
  });
  afterAll(() => pharos.close());

  it('answers the health check exactly as Lightd expects, at the root, under /api/lightd, and with a trailing slash in the URL', async () => {
    for (const url of [pharos.baseUrl, `${pharos.baseUrl}/api/lightd`, `${pharos.baseUrl}/api/lightd/`, `${pharos.baseUrl}/`]) {
      const check = await new LightdEmulator({ url, token: node7.token }).healthCheck();
      expect(check).toMatchObject({ ok: true, status: 200, body: { status: 200, endpoint: 'active' } });
    }
    const daemon = await prisma.lightdDaemon.findUniqueOrThrow({ where: { id: node7.id } });
    expect(daemon.status).toBe('online');
    expect(daemon.lastHealthAt).not.toBeNull();
    expect(daemon.lastSeenAt).toEqual(daemon.lastHealthAt);
    const events = await prisma.eventLogEntry.findMany({ where: { subjectId: node7.id } });
    expect(events.map((e) => e.kind)).toEqual(['daemon.online']);
  });

  it('stores the install lifecycle (installing → ready), an error, and a reinstall, each answered only once stored', async () => {
    const answers: unknown[] = [];
    const countAfterEach: number[] = [];
    const record = async (answer: Promise<unknown> | Promise<unknown[]>) => {
      const got = await answer;
      answers.push(...(Array.isArray(got) ? got : [got]));
      countAfterEach.push(await prisma.lightdUpdate.count({ where: { daemonId: node7.id } }));
    };
    await record(node7.lightd.sendStatus('my-server-001', 'installing'));
    await record(node7.lightd.sendStatus('my-server-001', 'installing'));
    await record(node7.lightd.sendStatus('my-server-001', 'ready'));
    // Answered ⇒ committed: each 200 came after its row was there.
    expect(countAfterEach).toEqual([1, 2, 3]);
    for (const answer of answers) expect(answer).toMatchObject({ status: 200, body: { success: true } });

    let container = await prisma.lightdContainer.findUniqueOrThrow({ where: { daemonId_internalId: { daemonId: node7.id, internalId: 'my-server-001' } } });
    expect(container).toMatchObject({ status: 'ready', lastError: null });
    expect(container.lastSeenAt.getTime()).toBeGreaterThanOrEqual(container.firstSeenAt.getTime());

    expect(await node7.lightd.fail('my-server-001', 'Docker container creation failed: image not found')).toMatchObject({ status: 200, body: { success: true } });
    container = await prisma.lightdContainer.findUniqueOrThrow({ where: { id: container.id } });
    expect(container).toMatchObject({ status: 'failed', lastError: 'failed', lastErrorData: 'Docker container creation failed: image not found' });

    // A reinstall right after the failure: its `installing` updates come within the settle time of
    // the failure (taken as fired before it; the daemon's API, unreachable here, cannot say
    // otherwise), then `ready`, then the post-start check's `installing`, which leaves it ready.
    for (const answer of await node7.lightd.reinstall('my-server-001')) expect(answer.status).toBe(200);
    container = await prisma.lightdContainer.findUniqueOrThrow({ where: { id: container.id } });
    // Ready again; the last error stays on record with its time.
    expect(container).toMatchObject({ status: 'ready', lastError: 'failed' });
    expect(container.lastErrorAt).not.toBeNull();

    // Every update is kept as it came, applied or not.
    const history = await prisma.lightdUpdate.findMany({ where: { containerId: container.id }, orderBy: { id: 'asc' } });
    expect(history.map((u) => [u.event, u.status, u.error])).toEqual([
      ['update', 'installing', null],
      ['update', 'installing', null],
      ['update', 'ready', null],
      ['update', null, 'failed'],
      ['update', 'installing', null],
      ['update', 'installing', null],
      ['update', 'installing', null],
      ['update', 'ready', null],
      ['update', 'installing', null],
    ]);
    // The error update is kept as Lightd sent it, `data` and all, with no `status`.
    expect(history[3]!.body).toEqual({ event: 'update', server: 'my-server-001', error: 'failed', data: 'Docker container creation failed: image not found' });

    const log = await prisma.eventLogEntry.findMany({ where: { subjectId: container.id }, orderBy: { id: 'asc' } });
    expect(log.map((e) => [e.level, e.message])).toEqual([
      ['INFO', 'Container my-server-001: installing'],
      ['INFO', 'Container my-server-001: ready (was installing)'],
      ['ERROR', 'Container my-server-001: failed — Docker container creation failed: image not found (was ready)'],
      ['INFO', 'Container my-server-001: ready (was failed)'],
    ]);
    // The same entries went out on the bus (what the logs WebSocket streams), after commit.
    expect(published.filter((p) => p.subjectId === container.id).map((p) => p.entry.message)).toEqual(log.map((e) => e.message));
    // And the daemon's log tells the same story, with the container's discovery.
    const daemonLog = await prisma.eventLogEntry.findMany({ where: { subjectId: node7.id, kind: { startsWith: 'container.' } }, orderBy: { id: 'asc' } });
    expect(daemonLog.map((e) => e.kind)).toEqual(['container.discovered', 'container.status', 'container.status', 'container.error', 'container.status']);
  });

  it('keeps each daemon\'s containers apart by the token it sent', async () => {
    expect((await node8.lightd.sendStatus('my-server-001', 'installing')).status).toBe(200);
    const containers = await prisma.lightdContainer.findMany({ where: { internalId: 'my-server-001' }, include: { daemon: true } });
    expect(containers.map((c) => [c.daemon.name, c.status]).sort()).toEqual([
      ['node-7', 'ready'],
      ['node-8', 'installing'],
    ]);
  });

  it('applies concurrent updates of one container one after the other (Lightd sends each in its own task)', async () => {
    const answers = await Promise.all(
      ['installing', 'installing', 'ready', 'installing', 'ready', 'ready'].map((status) => node8.lightd.sendStatus('race-1', status as 'ready')),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const container = await prisma.lightdContainer.findUniqueOrThrow({ where: { daemonId_internalId: { daemonId: node8.id, internalId: 'race-1' } } });
    expect(await prisma.lightdUpdate.count({ where: { containerId: container.id } })).toBe(6);
    // Each status event names the status the one before it left.
    const log = await prisma.eventLogEntry.findMany({ where: { subjectId: container.id }, orderBy: { id: 'asc' } });
    let previous: unknown = null;
    for (const entry of log) {
      expect((entry.data as { previousStatus: unknown }).previousStatus).toBe(previous);
      previous = (entry.data as { status: unknown }).status;
    }
    expect(previous).toBe(container.status);
  });

  it('keeps a billing event as the container\'s latest gauge, never summed and with no row of its own, and an event kind it does not know', async () => {
    const gauge = { memory_gb: 2, cpu_vcpus: 1, storage_gb: 10.5, egress_gb: 0.25, duration_hours: 1, estimated_cost: 0.0421 };
    const updatesBefore = await prisma.lightdUpdate.count({ where: { daemonId: node7.id } });
    expect(await node7.lightd.sendBilling('my-server-001', { ...gauge, timestamp: 1_767_225_600 })).toMatchObject({ status: 200, body: { success: true } });
    // Answered ⇒ committed: the gauge is on the container.
    const usage = async () =>
      prisma.lightdContainer.findUniqueOrThrow({
        where: { daemonId_internalId: { daemonId: node7.id, internalId: 'my-server-001' } },
        select: { usageMemoryGb: true, usageCpuVcpus: true, usageStorageGb: true, usageEgressGb: true, usageCost: true, usageAt: true },
      });
    expect(await usage()).toEqual({ usageMemoryGb: 2, usageCpuVcpus: 1, usageStorageGb: 10.5, usageEgressGb: 0.25, usageCost: 0.0421, usageAt: new Date(1_767_225_600_000) });
    // A second later, the rolling hour moved: the gauge is replaced, not added to.
    expect((await node7.lightd.sendBilling('my-server-001', { ...gauge, memory_gb: 2.5, estimated_cost: 0.05, timestamp: 1_767_225_601 })).status).toBe(200);
    // One fired earlier that arrives late is kept out.
    expect((await node7.lightd.sendBilling('my-server-001', { ...gauge, memory_gb: 9, estimated_cost: 9, timestamp: 1_767_225_599 })).status).toBe(200);
    expect(await usage()).toMatchObject({ usageMemoryGb: 2.5, usageCost: 0.05, usageAt: new Date(1_767_225_601_000) });
    expect(await prisma.lightdUpdate.count({ where: { daemonId: node7.id } })).toBe(updatesBefore);

    const newer = await node7.lightd.sendRaw('{"event":"snapshot","server":"my-server-001","size_gb":3.5}');
    expect(newer).toMatchObject({ status: 200, body: { success: true } });
    expect(await prisma.lightdUpdate.findFirstOrThrow({ where: { event: 'snapshot' } })).toMatchObject({ body: { size_gb: 3.5 } });
    const unserved = await node7.lightd.sendRaw('{"event":"node_restarted"}');
    expect(unserved.status).toBe(200);
    expect(await prisma.lightdUpdate.findFirstOrThrow({ where: { event: 'node_restarted' } })).toMatchObject({ containerId: null });
    const notes = await prisma.eventLogEntry.findMany({ where: { subjectId: node7.id, kind: 'lightd.event' } });
    expect(notes.map((e) => e.message)).toEqual([
      'Daemon node-7 sent a "snapshot" event (kept as it came)',
      'Daemon node-7 sent a "node_restarted" event (kept as it came)',
    ]);
  });

  it('answers GET /config with a JSON object and keeps a POSTed config with its credentials redacted', async () => {
    expect(await node7.lightd.getConfig()).toMatchObject({ status: 200, body: {} });
    const config = {
      version: '0.1.0',
      server: { host: '0.0.0.0', port: 8070 },
      remote: { enabled: true, url: `${pharos.baseUrl}/api/lightd`, token: node7.token },
    };
    expect(await node7.lightd.postConfig(config)).toMatchObject({ status: 200, body: { success: true } });
    const daemon = await prisma.lightdDaemon.findUniqueOrThrow({ where: { id: node7.id } });
    expect(daemon.remoteConfig).toEqual({ ...config, remote: { ...config.remote, token: '[redacted]' } });
    expect(JSON.stringify(daemon)).not.toContain(node7.token);
    expect((await node7.lightd.postConfig(['not', 'an', 'object'])).status).toBe(400);
    // jsonb cannot hold NUL nor a lone surrogate: 400 naming the field, and the kept config is unchanged.
    const withNul = await node7.lightd.postConfig({ ...config, server: { ...config.server, host: '0.0.0.0\u0000' } });
    expect(withNul).toMatchObject({ status: 400, body: { field: 'server.host', message: expect.stringContaining('NUL') } });
    const withSurrogate = await node7.lightd.postConfig({ ...config, server: { ...config.server, host: '0.0.0.0\udfff' } });
    expect(withSurrogate).toMatchObject({ status: 400, body: { field: 'server.host', message: expect.stringContaining('surrogates') } });
    expect((await prisma.lightdDaemon.findUniqueOrThrow({ where: { id: node7.id } })).remoteConfigAt).toEqual(daemon.remoteConfigAt);
  });

  it('answers 503 and keeps nothing when an update cannot be stored (never a 2xx Lightd would trust)', async () => {
    const before = await storedCounts(prisma);
    // A known container's update is one statement; a connection lost under it may have committed
    // it, so it is not written again the long way: 503.
    const failure = jest.spyOn(prisma, 'queryDirect').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    const withLocks = jest.spyOn(prisma, 'directTransaction');
    try {
      const res = await node7.lightd.sendStatus('my-server-001', 'failed');
      expect(failure).toHaveBeenCalled();
      expect(withLocks).not.toHaveBeenCalled();
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, message: 'the update could not be stored' });
      expect(await storedCounts(prisma)).toEqual(before);
      // The next one reads the container afresh (with locks), and that failing is a 503 too.
      withLocks.mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
      expect((await node7.lightd.sendStatus('my-server-001', 'failed')).status).toBe(503);
      expect(withLocks).toHaveBeenCalledTimes(1);
    } finally {
      failure.mockRestore();
      withLocks.mockRestore();
    }
    expect(await storedCounts(prisma)).toEqual(before);
    expect((await prisma.lightdContainer.findFirstOrThrow({ where: { daemonId: node7.id, internalId: 'my-server-001' } })).status).toBe('ready');
  });

  describe('refuses a call that is not from a registered daemon with 401 {"error":…} and stores nothing', () => {
    const validUpdate = '{"event":"update","server":"intruder-1","status":"ready"}';
    it.each([
      ['no Authorization header', undefined, /^missing Authorization header/],
      ['a token without "Bearer "', 'lightd_ad2f7fc49ed640429c450e14ed07c8d5', /^Authorization must be/],
      ['another scheme', 'Basic bGlnaHRkOnRva2Vu', /^Authorization must be/],
      ['a token that is not a Lightd token', 'Bearer ad2f7fc49ed640429c450e14ed07c8d5', /^Authorization must be/],
      ['an unknown Lightd token', 'Bearer lightd_00000000000000000000000000000000', /^invalid token/],
    ])('%s', async (_case, authorization, message) => {
      const before = await storedCounts(prisma);
      const daemonBefore = await prisma.lightdDaemon.findUniqueOrThrow({ where: { id: node7.id } });
      for (const path of ['/health', '/update', '/api/lightd/update', '/config']) {
        const res = await pharos.request(path, {
          method: path === '/health' || path === '/config' ? 'GET' : 'POST',
          ...(path.endsWith('update') ? { rawBody: validUpdate } : {}),
          headers: authorization ? { authorization } : {},
        });
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ error: 'Unauthorized', message: expect.stringMatching(message) });
      }
      expect(await storedCounts(prisma)).toEqual(before);
      expect((await prisma.lightdDaemon.findUniqueOrThrow({ where: { id: node7.id } })).lastSeenAt).toEqual(daemonBefore.lastSeenAt);
    });
  });

  describe('refuses a body that is not a documented shape with 400 naming the field, and stores nothing', () => {
    it.each([
      ['malformed JSON', '{"event":"update","server":', undefined],
      ['an array', '[{"event":"update"}]', '(root)'],
      ['a string', '"update"', '(root)'],
      ['no event', '{"server":"s1","status":"ready"}', 'event'],
      ['an unknown status', '{"event":"update","server":"s1","status":"running"}', 'status'],
      ['a null status', '{"event":"update","server":"s1","status":null}', 'status'],
      ['neither status nor error', '{"event":"update","server":"s1"}', 'status'],
      ['no server', '{"event":"update","status":"ready"}', 'server'],
      ['a numeric server', '{"event":"update","server":7,"status":"ready"}', 'server'],
      ['error details that are not text', '{"event":"update","server":"s1","error":"failed","data":{"code":1}}', 'data'],
      ['billing without its figures', '{"event":"billing","server":"s1","memory_gb":2.0}', undefined],
      ['text holding a NUL character (PostgreSQL cannot store it)', '{"event":"update","server":"s1","error":"failed","data":"bad\\u0000byte"}', 'data'],
      ['a NUL character in a field name of an unknown event', '{"event":"telemetry","server":"s1","labels":{"x\\u0000y":"1"}}', 'labels["x\\u0000y"]'],
      ['a lone surrogate in error data (jsonb cannot hold it)', '{"event":"update","server":"s1","error":"failed","data":"bad \\ud800"}', 'data'],
      ['a lone low surrogate in the container name', '{"event":"update","server":"\\uDC00s1","status":"ready"}', 'server'],
      ['a lone surrogate in a field name of an unknown event', '{"event":"telemetry","server":"s1","labels":{"x\\udbffy":"1"}}', 'labels["x\\udbffy"]'],
      ['billing with a negative timestamp', '{"event":"billing","server":"s1","memory_gb":2.0,"cpu_vcpus":1.0,"storage_gb":1.0,"egress_gb":0.0,"duration_hours":1.0,"estimated_cost":0.0,"timestamp":-1}', 'timestamp'],
    ])('%s', async (_case, body, field) => {
      const before = await storedCounts(prisma);
      const daemonBefore = await prisma.lightdDaemon.findUniqueOrThrow({ where: { id: node7.id } });
      const res = await node7.lightd.sendRaw(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
      if (field) expect(res.body).toMatchObject({ field, message: expect.stringMatching(new RegExp(`^${field.replace(/[()[\]\\]/g, '\\$&')}: `)) });
      expect(await storedCounts(prisma)).toEqual(before);
      expect((await prisma.lightdDaemon.findUniqueOrThrow({ where: { id: node7.id } })).lastUpdateAt).toEqual(daemonBefore.lastUpdateAt);
    });
  });

  it('stops taking a rotated token at once and a revoked one, and takes the new one', async () => {
    const rotated = await pharos.request(`/api/v1/lightd/daemons/${node8.id}/remote-token`, { method: 'POST', token: admin });
    expect(rotated.status).toBe(201);
    expect(rotated.body.remoteToken).toMatch(/^lightd_[0-9a-f]{32}$/);
    expect((await node8.lightd.healthCheck()).status).toBe(401);
    const renewed = new LightdEmulator({ url: pharos.baseUrl, token: rotated.body.remoteToken });
    expect((await renewed.healthCheck()).ok).toBe(true);
    expect((await prisma.lightdDaemon.findUniqueOrThrow({ where: { id: node8.id } })).remoteTokenHash).toBe(hashSecret(rotated.body.remoteToken));

    expect((await pharos.request(`/api/v1/lightd/daemons/${node8.id}/remote-token`, { method: 'DELETE', token: admin })).status).toBe(204);
    const before = await storedCounts(prisma);
    expect((await renewed.sendStatus('my-server-001', 'ready')).status).toBe(401);
    expect(await storedCounts(prisma)).toEqual(before);
  });

  it('writes a batch of known containers in one statement, and stays right when the database changed under it', async () => {
    await node7.lightd.sendStatus('my-server-002', 'installing');
    const oneStatement = jest.spyOn(prisma, 'queryDirect');
    const withLocks = jest.spyOn(prisma, 'directTransaction');
    try {
      expect((await node7.lightd.sendStatus('my-server-002', 'ready')).status).toBe(200);
      expect([oneStatement.mock.calls.length, withLocks.mock.calls.length]).toEqual([1, 0]);
      expect((await prisma.lightdContainer.findUniqueOrThrow({ where: { daemonId_internalId: { daemonId: node7.id, internalId: 'my-server-002' } } })).status).toBe('ready');

      // Marked offline by something else than this process's sweep (another Pharos, an operator).
      await prisma.lightdDaemon.update({ where: { id: node7.id }, data: { status: 'offline' } });
      published.length = 0;
      expect((await node7.lightd.sendStatus('my-server-002', 'installing')).status).toBe(200);
      expect((await prisma.lightdDaemon.findUniqueOrThrow({ where: { id: node7.id } })).status).toBe('online');
      const latest = await prisma.eventLogEntry.findFirstOrThrow({ where: { subjectId: node7.id }, orderBy: { id: 'desc' } });
      expect(latest).toMatchObject({ kind: 'daemon.online', message: 'Daemon node-7 is online again' });
      expect(published.map((p) => p.entry.message)).toContain('Daemon node-7 is online again');

      // Deleted behind this process's back while its token is still cached: refused, nothing
      // kept, and every cache of it told so.
      const node9 = await registerDaemon(pharos, admin, 'node-9');
      expect((await node9.lightd.sendStatus('c1', 'installing')).status).toBe(200);
      await prisma.lightdDaemon.delete({ where: { id: node9.id } });
      const before = await storedCounts(prisma);
      const deleted: string[] = [];
      const unsubscribe = pharos.app.get(FleetEventBus).subscribeAll('daemon.deleted', (_, id) => deleted.push(id));
      oneStatement.mockClear();
      const res = await node9.lightd.sendStatus('c1', 'ready');
      unsubscribe();
      expect(oneStatement).toHaveBeenCalled();
      expect(res).toMatchObject({ status: 401, body: { message: expect.stringMatching(/^invalid token/) } });
      expect(await storedCounts(prisma)).toEqual(before);
      expect(deleted).toEqual([node9.id]);
    } finally {
      oneStatement.mockRestore();
      withLocks.mockRestore();
    }
  });
});

describe('Lightd daemon liveness', () => {
  let pharos: RunningPharos;

  beforeAll(async () => {
    pharos = await startPharos({ env: { LIGHTD_OFFLINE_AFTER_SECONDS: '1', LIGHTD_OFFLINE_SWEEP_SECONDS: '1' } });
  });
  afterAll(() => pharos.close());

  it('marks a silent daemon offline after the configured time, and online again on its next call, both as events', async () => {
    const prisma = pharos.app.get(PrismaService);
    const offline: string[] = [];
    const unsubscribe = pharos.app.get(FleetEventBus).subscribeAll('daemon.offline', (_, id) => offline.push(id));
    const node = await registerDaemon(pharos, await pharos.login(), 'node-quiet');
    expect((await prisma.lightdDaemon.findUniqueOrThrow({ where: { id: node.id } })).status).toBe('unknown');
    expect((await node.lightd.healthCheck()).ok).toBe(true);
    // Remembered online by the update writer, until the sweep says otherwise (`daemon.offline`).
    expect((await node.lightd.sendStatus('s1', 'installing')).status).toBe(200);

    const deadline = Date.now() + 10_000;
    let status = 'online';
    while (status === 'online' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await prisma.lightdDaemon.findUniqueOrThrow({ where: { id: node.id } })).status;
    }
    expect(status).toBe('offline');
    await eventually(() => expect(offline).toContain(node.id));
    unsubscribe();

    // The writer forgot it: its next update goes the long way, which records it online again.
    const withLocks = jest.spyOn(prisma, 'directTransaction');
    try {
      expect((await node.lightd.sendStatus('s1', 'ready')).status).toBe(200);
      expect(withLocks).toHaveBeenCalledTimes(1);
    } finally {
      withLocks.mockRestore();
    }
    expect((await prisma.lightdDaemon.findUniqueOrThrow({ where: { id: node.id } })).status).toBe('online');
    const log = await prisma.eventLogEntry.findMany({ where: { subjectId: node.id, kind: { startsWith: 'daemon.' } }, orderBy: { id: 'asc' } });
    // (A slow machine may let the sweep run again afterwards: only the first three matter.)
    expect(log.slice(0, 3).map((e) => [e.level, e.message])).toEqual([
      ['INFO', 'Daemon node-quiet is online'],
      ['WARN', 'Daemon node-quiet is offline: no call for 1 s'],
      ['INFO', 'Daemon node-quiet is online again'],
    ]);
  });
});
