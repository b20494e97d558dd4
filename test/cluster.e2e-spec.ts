import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentCloseCode, type AgentCommand, AgentErrorText, FRONTEND_METRICS_WS_PATH, FrontendCloseCode } from '@pharos/protocol';
import { Redis } from 'ioredis';
import { ensureBuilt, freePort, MAIN_JS, ServerProcess } from './support/built-server';
import { eventually } from './support/eventually';
import { AgentRefused, enrolAgentServer, FakeAgent } from './support/fake-agent';
import { openLiveSocket } from './support/live-socket';
import { createTestDatabase, TEST_DB_MODE_VAR, type TestDatabase, withAdminClient } from './support/test-database';
import { TestSocket } from './support/test-socket';

const REDIS_URL = process.env.PHAROS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LEASE_SECONDS = 1.5;
const JOBS = ['command-expiry', 'retention', 'lightd-offline-sweep', 'lightd-usage-sampler'];

interface Instance {
  id: string;
  proc: ServerProcess;
  baseUrl: string;
  wsUrl: string;
  dataDir: string;
}

interface ClusterInstance {
  id: string;
  self: boolean;
  sockets: Record<string, number>;
  jobs: Record<string, { held: boolean; runs: number }>;
}

async function request(baseUrl: string, url: string, init: { token?: string; body?: unknown; method?: string } = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}${url}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function login(baseUrl: string, username: string, password: string): Promise<{ status: number; token?: string }> {
  const res = await request(baseUrl, '/api/v1/auth/login', { body: { username, password } });
  return { status: res.status, token: res.body?.accessToken };
}

/**
 * Two Pharos processes (the built server, as operators run it) on one PostgreSQL database and
 * the local Redis, under a key prefix of this run's own: what one instance holds, the other
 * sees and uses; jobs run on one; when one is killed the other takes its agents and jobs over.
 */
const onPostgres = process.env[TEST_DB_MODE_VAR] === 'postgres' ? describe : describe.skip;
onPostgres('two Pharos instances over PostgreSQL and Redis', () => {
  const prefix = `pharos-test-${randomBytes(4).toString('hex')}:`;
  const password = 'cluster-admin-password';
  let db: TestDatabase;
  let redis: Redis;
  let a: Instance;
  let b: Instance;
  let token: string;
  const agents: FakeAgent[] = [];

  async function start(id: string): Promise<Instance> {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `pharos-cluster-${id}-`));
    const port = await freePort();
    const env: Record<string, string> = {
      PORT: String(port),
      HOST: '127.0.0.1',
      PHAROS_DATA_DIR: dataDir,
      DATABASE_URL: db.target.kind === 'postgres' ? db.target.url : '',
      DATABASE_POOL_SIZE: '4',
      PHAROS_MIGRATE_ON_START: 'false',
      // Shared by the instances, as a deployment shares them: tokens and sealed secrets work on both.
      JWT_SECRET: 'j'.repeat(40),
      PHAROS_SECRET_KEY: 's'.repeat(40),
      PHAROS_ADMIN_PASSWORD: password,
      PHAROS_WEB_DIR: 'none',
      LOG_LEVEL: 'warn',
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      PHAROS_INSTANCE_ID: id,
      CLUSTER_HEARTBEAT_SECONDS: '0.3',
      CLUSTER_LEASE_SECONDS: String(LEASE_SECONDS),
      COMMAND_SWEEP_SECONDS: '0.2',
      RETENTION_INTERVAL_SECONDS: '0.5',
      LIGHTD_OFFLINE_SWEEP_SECONDS: '1',
      LIGHTD_USAGE_SAMPLE_SECONDS: '0.3',
      LOGIN_MAX_FAILURES: '3',
      CREDENTIAL_MAX_FAILURES: '3',
      // The throttled address is a proxy's client (X-Forwarded-For), not this test's 127.0.0.1.
      TRUST_PROXY: 'true',
      // Browser sockets per user, counted over both instances.
      LIVE_SOCKETS_PER_USER: '2',
    };
    const proc = ServerProcess.start(MAIN_JS, env);
    await proc.ready();
    return { id, proc, baseUrl: proc.baseUrl, wsUrl: proc.baseUrl.replace('http', 'ws'), dataDir };
  }

  async function cluster(on: Instance): Promise<ClusterInstance[]> {
    const res = await request(on.baseUrl, '/api/v1/cluster', { token });
    expect(res.status).toBe(200);
    expect(res.body.clustered).toBe(true);
    return res.body.instances as ClusterInstance[];
  }

  beforeAll(async () => {
    ensureBuilt();
    db = await createTestDatabase();
    redis = new Redis(REDIS_URL);
    // One at a time: the first creates the admin, the second finds it.
    a = await start('a');
    b = await start('b');
    const signedIn = await login(a.baseUrl, 'admin', password);
    expect(signedIn.status).toBe(200);
    token = signedIn.token!;
  }, 180_000);

  afterAll(async () => {
    for (const agent of agents) agent.close();
    for (const instance of [a, b]) {
      if (!instance) continue;
      instance.proc.child.kill('SIGKILL');
      await instance.proc.exited;
      rmSync(instance.dataDir, { recursive: true, force: true });
    }
    if (redis) {
      // Only this run's keys: other runs and helpers share the Redis.
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    await db?.drop();
  }, 60_000);

  it('lists both instances with their socket counts at GET /api/v1/cluster', async () => {
    const { apiKey } = await enrolAgentServer({ request: (url, init) => request(a.baseUrl, url, init) }, token, 'listed');
    const agent = await FakeAgent.connect(a.wsUrl, apiKey);
    agents.push(agent);
    const instances = await eventually(async () => {
      const listed = await cluster(b);
      expect(listed.map((i) => i.id)).toEqual(['a', 'b']);
      expect(listed.find((i) => i.id === 'a')!.sockets.agents).toBe(1);
      return listed;
    });
    expect(instances.find((i) => i.id === 'b')).toMatchObject({ self: true, sockets: { agents: 0, browsers: 0 } });
    agent.close();
    await agent.closed;
  });

  it('shows a browser on B the metrics and logs of an agent on A', async () => {
    const { serverId, apiKey } = await enrolAgentServer({ request: (url, init) => request(a.baseUrl, url, init) }, token, 'watched');
    const agent = await FakeAgent.connect(a.wsUrl, apiKey);
    agents.push(agent);
    const metrics = await openLiveSocket(b.wsUrl, 'metrics', serverId, token);
    const logs = await openLiveSocket(b.wsUrl, 'logs', serverId, token);
    const sent = agent.sendMetrics({ cpu_percent: 12.5 });
    const seen = await metrics.nextMatching((m) => m.type === 'metrics');
    expect(seen.data).toMatchObject({ cpu_percent: 12.5, timestamp: sent.timestamp });
    agent.sendLog('hello from A');
    await logs.nextMatching((m) => m.type === 'log' && m.data?.message === 'hello from A');
    metrics.ws.close();
    logs.ws.close();
  });

  it('delivers a command created on B to the agent on A at once, and B sees its result', async () => {
    const { serverId, apiKey } = await enrolAgentServer({ request: (url, init) => request(a.baseUrl, url, init) }, token, 'commanded');
    const agent = await FakeAgent.connect(a.wsUrl, apiKey);
    agents.push(agent);
    const created = await request(b.baseUrl, `/api/v1/servers/${serverId}/commands`, { token, body: { command: 'uptime' } });
    expect(created.status).toBe(202);
    // Not at the next reconnect or poll: there is none; only the bus brings it to A.
    const command = await agent.nextCommand(5_000);
    expect(command).toMatchObject({ command_id: created.body.id, command: 'uptime' });
    agent.answer(command, { output: 'up 3 days', exit_code: 0 });
    await eventually(async () => {
      const view = await request(b.baseUrl, `/api/v1/commands/${created.body.id}`, { token });
      expect(view.body).toMatchObject({ state: 'completed', output: 'up 3 days' });
    });
  });

  it('closes a disabled user’s sockets on every instance', async () => {
    const created = await request(a.baseUrl, '/api/v1/users', { token, body: { username: 'watcher', password: 'watcher-password', role: 'viewer' } });
    expect(created.status).toBe(201);
    const { serverId } = await enrolAgentServer({ request: (url, init) => request(a.baseUrl, url, init) }, token, 'disabled-watch');
    const viewer = await login(a.baseUrl, 'watcher', 'watcher-password');
    const socket = await openLiveSocket(b.wsUrl, 'metrics', serverId, viewer.token!);
    expect((await request(a.baseUrl, `/api/v1/users/${created.body.id}`, { token, method: 'PATCH', body: { disabled: true } })).status).toBe(200);
    const closed = await Promise.race([socket.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000))]);
    expect(closed).not.toBeNull();
  });

  it('caps a user’s browser sockets over both instances', async () => {
    const created = await request(a.baseUrl, '/api/v1/users', { token, body: { username: 'capped', password: 'capped-password', role: 'viewer' } });
    expect(created.status).toBe(201);
    const { serverId } = await enrolAgentServer({ request: (url, init) => request(a.baseUrl, url, init) }, token, 'capped-watch');
    const viewer = (await login(b.baseUrl, 'capped', 'capped-password')).token!;
    const onA = await openLiveSocket(a.wsUrl, 'metrics', serverId, viewer);
    const onB = await openLiveSocket(b.wsUrl, 'logs', serverId, viewer);
    // LIVE_SOCKETS_PER_USER=2: one on each instance is the user's whole allowance, on either.
    for (const instance of [a, b]) {
      const third = await TestSocket.open(`${instance.wsUrl}${FRONTEND_METRICS_WS_PATH.replace(':serverId', serverId)}`);
      third.send({ type: 'auth', token: viewer });
      expect(await third.next()).toEqual({ type: 'error', message: 'Too many live connections (at most 2 per user)' });
      expect((await third.closed).code).toBe(FrontendCloseCode.TooManyConnections);
    }
    onA.close();
    await onA.closed;
    // A's place is back once A has seen the close; the new socket may land on either instance.
    const reopened = await eventually(() => openLiveSocket(b.wsUrl, 'metrics', serverId, viewer));
    await expect(openLiveSocket(a.wsUrl, 'metrics', serverId, viewer)).rejects.toThrow('Too many live connections');
    for (const socket of [onB, reopened]) {
      socket.close();
      await socket.closed;
    }
  });

  it('counts failed logins across instances', async () => {
    // LOGIN_MAX_FAILURES=3: two failures on A and one on B lock the name on both.
    expect((await login(a.baseUrl, 'nobody', 'wrong-password-1')).status).toBe(401);
    expect((await login(a.baseUrl, 'nobody', 'wrong-password-2')).status).toBe(401);
    expect((await login(b.baseUrl, 'nobody', 'wrong-password-3')).status).toBe(401);
    expect((await login(b.baseUrl, 'nobody', 'wrong-password-4')).status).toBe(429);
    expect((await login(a.baseUrl, 'nobody', 'wrong-password-5')).status).toBe(429);
  });

  it('counts failed agent keys across instances', async () => {
    const refusal = async (instance: Instance): Promise<string> => {
      const error = await FakeAgent.connect(instance.wsUrl, `pharos_agent_${'0'.repeat(40)}`, { headers: { 'x-forwarded-for': '203.0.113.9' } }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AgentRefused);
      return String((error as AgentRefused).reply && ((error as AgentRefused).reply as { message?: string }).message);
    };
    // CREDENTIAL_MAX_FAILURES=3 per address: two wrong keys on A, one on B, then both refuse unseen keys outright.
    expect(await refusal(a)).toBe(AgentErrorText.InvalidApiKey);
    expect(await refusal(a)).toBe(AgentErrorText.InvalidApiKey);
    expect(await refusal(b)).toBe(AgentErrorText.InvalidApiKey);
    expect(await refusal(b)).toBe(AgentErrorText.AuthThrottled);
    expect(await refusal(a)).toBe(AgentErrorText.AuthThrottled);
  });

  it('runs each job on one instance only', async () => {
    // A few lease periods: long enough for a second runner to show up if there were one.
    await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 2000));
    const instances = await eventually(async () => {
      const listed = await cluster(a);
      for (const job of JOBS) {
        const holders = listed.filter((i) => i.jobs[job]?.held);
        expect(holders).toHaveLength(1);
        expect(holders[0]!.jobs[job]!.runs).toBeGreaterThan(0);
      }
      return listed;
    });
    for (const job of JOBS) {
      const others = instances.filter((i) => !i.jobs[job]!.held);
      expect(others.map((i) => i.jobs[job]!.runs)).toEqual([0]);
    }
  });

  it('resolves on B the incident A opened when the server’s agent moves from A to B', async () => {
    const { serverId, apiKey } = await enrolAgentServer({ request: (url, init) => request(a.baseUrl, url, init) }, token, 'moved-alert');
    // The notifications wait in the outbox (nothing listens at the channel's address).
    const channel = await request(a.baseUrl, '/api/v1/alerts/channels', { token, body: { name: 'cluster-hook', url: 'http://127.0.0.1:9/hook', isDefault: false } });
    expect(channel.status).toBe(201);
    const rule = await request(a.baseUrl, '/api/v1/alerts/rules', { token, body: { name: 'CPU high (cluster)', metric: 'cpu_percent', op: 'gt', threshold: 90, serverId, channelIds: [channel.body.id], cooldownSeconds: 0 } });
    expect(rule.status).toBe(201);
    // This rule's (the agent's move also opens and resolves a built-in "server offline" one).
    const incidents = async (): Promise<any[]> =>
      (await request(b.baseUrl, `/api/v1/alerts/incidents?serverId=${serverId}`, { token })).body.items.filter((i: { rule_id?: string }) => i.rule_id === rule.body.id);

    const first = await FakeAgent.connect(a.wsUrl, apiKey);
    agents.push(first);
    first.sendMetrics({ cpu_percent: 97 });
    const [opened] = await eventually(async () => {
      const listed = await incidents();
      expect(listed).toEqual([expect.objectContaining({ rule_id: rule.body.id, state: 'firing' })]);
      return listed;
    });
    first.close();
    await first.closed;

    // The agent reconnects to B and reports a recovered value: B resolves A's incident.
    const second = await FakeAgent.connect(b.wsUrl, apiKey);
    agents.push(second);
    await eventually(async () => {
      second.sendMetrics({ cpu_percent: 12 });
      expect(await incidents()).toEqual([expect.objectContaining({ id: opened.id, state: 'resolved', value: 12 })]);
    });
    // A breach again, on B, opens a new incident (none open is left behind anywhere).
    second.sendMetrics({ cpu_percent: 99 });
    await eventually(async () => expect((await incidents()).map((i) => i.state).sort()).toEqual(['firing', 'resolved']));

    const outbox = await withAdminClient(
      async (client) => (await client.query<{ incidentId: string; event: string }>(`SELECT "incidentId", "event" FROM "AlertNotification" WHERE "ruleId" = $1`, [rule.body.id])).rows,
      db.target.kind === 'postgres' ? db.target.url : undefined,
    );
    const ofFirst = outbox.filter((n) => n.incidentId === opened.id).map((n) => n.event).sort();
    expect(ofFirst).toEqual(['firing', 'resolved']);
    second.close();
    await second.closed;
  });

  it('after kill -9 of A: its agent reconnects to B, gets the commands queued meanwhile, B takes A’s jobs over and its browsers’ places free', async () => {
    const { serverId, apiKey } = await enrolAgentServer({ request: (url, init) => request(b.baseUrl, url, init) }, token, 'survivor');
    const agent = await FakeAgent.connect(a.wsUrl, apiKey);
    agents.push(agent);
    // A user's whole allowance of browser sockets (2) held on A when it dies.
    const stranded = await request(b.baseUrl, '/api/v1/users', { token, body: { username: 'stranded', password: 'stranded-password', role: 'viewer' } });
    expect(stranded.status).toBe(201);
    const strandedToken = (await login(b.baseUrl, 'stranded', 'stranded-password')).token!;
    for (let i = 0; i < 2; i++) await openLiveSocket(a.wsUrl, 'metrics', serverId, strandedToken);
    const socketCounts = `${prefix}sockets:user:${stranded.body.id}`;
    expect(await redis.hget(socketCounts, 'a')).toBe('2');
    const before = await cluster(b);
    const jobsOfA = JOBS.filter((job) => before.find((i) => i.id === 'a')!.jobs[job]?.held);

    a.proc.child.kill('SIGKILL');
    await a.proc.exited;
    const killedAt = Date.now();
    await agent.closed;

    // Queued on B while the agent has no connection; acknowledged ⇒ stored.
    const queued = await request(b.baseUrl, `/api/v1/servers/${serverId}/commands`, { token, body: { command: 'hostname' } });
    expect(queued.status).toBe(202);
    expect(queued.body.state).toBe('pending');

    // The agent reconnects (the proxy sends it to B, the instance left).
    const again = await FakeAgent.connect(b.wsUrl, apiKey);
    agents.push(again);
    const command: AgentCommand = await again.nextCommand(5_000);
    expect(command.command_id).toBe(queued.body.id);
    again.answer(command, { output: 'survivor', exit_code: 0 });
    await eventually(async () => expect((await request(b.baseUrl, `/api/v1/commands/${queued.body.id}`, { token })).body.state).toBe('completed'));

    // A's heartbeat key expires; B holds every job, A's within the lease time (plus a renewal beat).
    const after = await eventually(async () => {
      const listed = await cluster(b);
      expect(listed.map((i) => i.id)).toEqual(['b']);
      for (const job of JOBS) expect(listed[0]!.jobs[job]!.held).toBe(true);
      return listed;
    }, 10_000);
    expect(after[0]!.sockets.agents).toBeGreaterThanOrEqual(1);
    // A's counts no longer count once A is gone: the user opens a full allowance on B, and A's field is dropped.
    const onB = [await openLiveSocket(b.wsUrl, 'metrics', serverId, strandedToken), await openLiveSocket(b.wsUrl, 'logs', serverId, strandedToken)];
    expect(await redis.hgetall(socketCounts)).toEqual({ b: '2' });
    for (const socket of onB) socket.close();
    const takenOverMs = Date.now() - killedAt;
    if (jobsOfA.length > 0) expect(takenOverMs).toBeLessThan(LEASE_SECONDS * 1000 * 4 + 3000);
  }, 60_000);

  it('tells the agents of an instance that stops (SIGTERM) to reconnect, and they land on another', async () => {
    // Counts an earlier process named "c" left (killed, restarted at once): the new one drops its own field on start.
    const leftOver = `${prefix}sockets:user:left-over`;
    await redis.hset(leftOver, 'c', 2, 'b', 1);
    const c = await start('c');
    try {
      expect(await redis.hgetall(leftOver)).toEqual({ b: '1' });
      const { apiKey } = await enrolAgentServer({ request: (url, init) => request(b.baseUrl, url, init) }, token, 'moved');
      const agent = await FakeAgent.connect(c.wsUrl, apiKey);
      agents.push(agent);
      // C holds the agent's session (registered once its connection was recorded).
      await eventually(async () => expect((await cluster(b)).find((i) => i.id === 'c')?.sockets.agents).toBe(1));
      expect(await c.proc.stop()).toBe(0);
      // 1001 "going away": the seed's reconnection rule (back off, reconnect, re-authenticate).
      expect(await agent.closed).toEqual({ code: AgentCloseCode.GoingAway, reason: expect.any(String) });
      const again = await FakeAgent.connect(b.wsUrl, apiKey);
      agents.push(again);
      // It left the cluster on the way out, not after its heartbeat expired.
      expect((await cluster(b)).map((i) => i.id)).toEqual(['b']);
    } finally {
      c.proc.child.kill('SIGKILL');
      rmSync(c.dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
