import { PrismaService } from '@pharos/database';
import { AgentCloseCode } from '@pharos/protocol';
import { eventually } from './support/eventually';
import { AgentRefused, enrolAgentServer, FakeAgent } from './support/fake-agent';
import { startPharos, type RunningPharos } from './support/pharos-test-app';
import { openLiveSocket } from './support/live-socket';

describe('the agent WebSocket', () => {
  let pharos: RunningPharos;
  let token: string;
  let prisma: PrismaService;

  beforeAll(async () => {
    pharos = await startPharos({
      env: {
        WS_AUTH_TIMEOUT_SECONDS: '1',
        AGENT_HEARTBEAT_INTERVAL_SECONDS: '0.4',
        AGENT_HEARTBEAT_TIMEOUT_SECONDS: '2',
        AGENT_WS_MESSAGES_PER_SECOND: '5',
        AGENT_WS_MESSAGE_BURST: '20',
        AGENT_WS_MAX_MESSAGE_BYTES: '8192',
      },
    });
    token = await pharos.login();
    prisma = pharos.app.get(PrismaService);
  });
  afterAll(() => pharos.close());

  async function events(serverId: string): Promise<string[]> {
    const res = await pharos.request(`/api/v1/servers/${serverId}/events?limit=100`, { token });
    // The connection's own events; an offline server also raises the built-in alert (alert.*).
    return (res.body.items as { kind: string }[]).map((e) => e.kind).filter((k) => !k.startsWith('alert.')).reverse();
  }

  async function status(serverId: string): Promise<string> {
    return (await pharos.request(`/api/v1/servers/${serverId}`, { token })).body.status;
  }

  it('issues an API key shown once and authenticates an agent with it', async () => {
    const { serverId, apiKey, keyId } = await enrolAgentServer(pharos, token, 'agent-auth-1');
    expect(apiKey).toMatch(/^pak_[A-Za-z0-9_-]{40,}$/);
    const stored = await prisma.agentApiKey.findUniqueOrThrow({ where: { id: keyId } });
    expect(stored.keyHash).not.toContain(apiKey);

    const agent = await FakeAgent.open(pharos.wsUrl);
    agent.send({ type: 'auth', api_key: apiKey, agent_version: '1.4.2' });
    expect(await agent.next()).toEqual({ type: 'auth_success', server_id: serverId, message: 'Connected successfully' });

    const listed = await pharos.request(`/api/v1/servers/${serverId}/agent-keys`, { token });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: keyId, prefix: apiKey.slice(0, 12), revokedAt: null, lastUsedAt: expect.any(String) })]);
    expect(JSON.stringify(listed.body)).not.toContain(apiKey);
    await eventually(async () => expect(await status(serverId)).toBe('online'));
    expect((await pharos.request(`/api/v1/servers/${serverId}`, { token })).body.agentVersion).toBe('1.4.2');
    expect(await events(serverId)).toEqual(['agent.connected']);

    agent.close();
    await eventually(async () => expect(await status(serverId)).toBe('offline'));
    expect(await events(serverId)).toEqual(['agent.connected', 'agent.disconnected']);
  });

  it('refuses an unknown key, a malformed auth, anything before auth, and silence', async () => {
    const unknown = await FakeAgent.open(pharos.wsUrl);
    unknown.send({ type: 'auth', api_key: 'pak_not-a-key' });
    expect(await unknown.next()).toEqual({ type: 'error', message: 'Invalid or inactive API key' });
    expect((await unknown.closed).code).toBe(AgentCloseCode.Unauthorized);

    const noKey = await FakeAgent.open(pharos.wsUrl);
    noKey.send({ type: 'auth', apiKey: 'camelCase is not the seed' });
    expect(await noKey.next()).toEqual({ type: 'error', message: 'Invalid or inactive API key' });
    expect((await noKey.closed).code).toBe(AgentCloseCode.Unauthorized);

    const eager = await FakeAgent.open(pharos.wsUrl);
    eager.send({ type: 'metrics', cpu_percent: 1, memory_percent: 1, disk_usage: [], network: [] });
    expect(await eager.next()).toMatchObject({ type: 'error', message: expect.stringContaining('Authentication required') });
    expect((await eager.closed).code).toBe(AgentCloseCode.Unauthorized);

    const garbage = await FakeAgent.open(pharos.wsUrl);
    garbage.send('hello?');
    expect((await garbage.next()).type).toBe('error');
    expect((await garbage.closed).code).toBe(AgentCloseCode.Unauthorized);

    const silent = await FakeAgent.open(pharos.wsUrl);
    expect(await silent.next()).toEqual({ type: 'error', message: 'Authentication timeout' });
    expect((await silent.closed).code).toBe(AgentCloseCode.Unauthorized);

    await expect(FakeAgent.connect(pharos.wsUrl, '')).rejects.toBeInstanceOf(AgentRefused);
  });

  it('handles what an agent sends before auth_success arrives, once it is authenticated', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'agent-eager-1');
    const agent = await FakeAgent.open(pharos.wsUrl);
    agent.send({ type: 'auth', api_key: apiKey });
    agent.send({ type: 'metrics', cpu_percent: 5, memory_percent: 6, disk_usage: [], network: [], timestamp: new Date().toISOString() });
    expect((await agent.next()).type).toBe('auth_success');
    await eventually(async () => expect(await prisma.metricSample.count({ where: { serverId } })).toBe(1));
    agent.close();
  });

  it('refuses a revoked key and disconnects the agent using it when it is revoked', async () => {
    const { serverId, apiKey, keyId } = await enrolAgentServer(pharos, token, 'agent-revoke-1');
    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);
    const revoked = await pharos.request(`/api/v1/servers/${serverId}/agent-keys/${keyId}`, { token, method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expect(await agent.next()).toEqual({ type: 'error', message: 'API key revoked' });
    expect((await agent.closed).code).toBe(AgentCloseCode.KeyRevoked);

    const again = await FakeAgent.connect(pharos.wsUrl, apiKey).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(AgentRefused);
    expect((again as AgentRefused).reply).toEqual({ type: 'error', message: 'Invalid or inactive API key' });
    await eventually(async () => expect(await events(serverId)).toEqual(['agent.connected', 'agent.key_revoked']));
  });

  it('closes the agent of a server deleted while it is connected', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'agent-deleted-1');
    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);
    await eventually(async () => expect(await status(serverId)).toBe('online'));

    const deleted = await pharos.request(`/api/v1/servers/${serverId}`, { token, method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await agent.next()).toEqual({ type: 'error', message: 'API key revoked' });
    expect(await agent.closed).toEqual({ code: AgentCloseCode.KeyRevoked, reason: 'API key revoked' });
    await expect(FakeAgent.connect(pharos.wsUrl, apiKey)).rejects.toBeInstanceOf(AgentRefused);
  });

  it('stores agent metrics as the server’s history and delivers each sample to two browsers', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'agent-metrics-1');
    const browsers = [await openLiveSocket(pharos.wsUrl, 'metrics', serverId, token), await openLiveSocket(pharos.wsUrl, 'metrics', serverId, token)];
    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);

    const sent = agent.sendMetrics({ cpu_percent: 12.5, memory_percent: 34.5, load1: 0.7 });
    for (const browser of browsers) {
      const message = await browser.nextMatching((m) => m.type === 'metrics');
      expect(message).toEqual({
        type: 'metrics',
        data: expect.objectContaining({
          server_id: serverId,
          source: 'agent',
          timestamp: sent.timestamp,
          cpu_percent: 12.5,
          memory_percent: 34.5,
          load1: 0.7,
          disk_percent: 40,
          disk_usage: [expect.objectContaining({ mountpoint: '/', device: '/dev/sda1', percent: 40 })],
          network: [{ interface: 'eth0', rx_bytes: 2_000_000, tx_bytes: 1_000_000 }],
        }),
      });
    }
    const rows = await prisma.metricSample.findMany({ where: { serverId } });
    expect(rows).toEqual([expect.objectContaining({ cpuPercent: 12.5, memoryPercent: 34.5, diskPercent: 40, load1: 0.7 })]);

    const history = await pharos.request(
      `/api/v1/servers/${serverId}/metrics?series=cpu_percent,fs_used_percent&from=${new Date(Date.parse(sent.timestamp!) - 60_000).toISOString()}&to=${new Date(Date.parse(sent.timestamp!) + 60_000).toISOString()}`,
      { token },
    );
    expect(history.body.series.cpu_percent.filter((v: number | null) => v !== null)).toEqual([12.5]);
    // Per filesystem too, under the series name the history API answers for.
    expect(history.body.entities.fs_used_percent['/'].filter((v: number | null) => v !== null)).toEqual([40]);
    for (const browser of browsers) browser.close();
    agent.close();
  });

  it('answers an invalid message with an error and keeps the connection open', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'agent-invalid-1');
    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);
    const invalid = { type: 'error', message: 'Invalid message format' };

    agent.send({ type: 'metrics', cpu_percent: 'high', memory_percent: 1 });
    expect(await agent.next()).toEqual(invalid);
    agent.send('{not json');
    expect(await agent.next()).toEqual(invalid);
    agent.send({ type: 'reboot_now' });
    expect(await agent.next()).toEqual(invalid);
    agent.send({ type: 'metrics', cpu_percent: 1, memory_percent: 1, timestamp: 'last tuesday' });
    expect(await agent.next()).toEqual(invalid);
    agent.send({ type: 'command_response', command_id: 'not-a-uuid', output: '', exit_code: 0, duration_ms: 1 });
    expect(await agent.next()).toEqual(invalid);
    agent.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await agent.next()).toEqual(invalid);

    agent.send({ type: 'ping' });
    expect(await agent.next()).toEqual({ type: 'pong' });
    agent.sendMetrics({ cpu_percent: 3 });
    await eventually(async () => expect(await prisma.metricSample.count({ where: { serverId } })).toBe(1));
    expect(agent.ws.readyState).toBe(agent.ws.OPEN);
    agent.close();
  });

  it('answers a message holding a NUL character or a lone surrogate with the protocol error, stores none of it, and keeps the connection', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'agent-nul-1');
    const neighbour = await enrolAgentServer(pharos, token, 'agent-nul-2');
    const invalid = { type: 'error', message: 'Invalid message format' };

    // A hostname Pharos could not store makes the auth message as malformed as a missing key.
    const hello = await FakeAgent.open(pharos.wsUrl);
    hello.send({ type: 'auth', api_key: apiKey, hostname: 'web\u0000' });
    expect(await hello.next()).toEqual({ type: 'error', message: 'Invalid or inactive API key' });
    expect((await hello.closed).code).toBe(AgentCloseCode.Unauthorized);
    const surrogateHello = await FakeAgent.open(pharos.wsUrl);
    surrogateHello.send({ type: 'auth', api_key: apiKey, hostname: 'web\udc80' });
    expect(await surrogateHello.next()).toEqual({ type: 'error', message: 'Invalid or inactive API key' });
    expect((await surrogateHello.closed).code).toBe(AgentCloseCode.Unauthorized);
    expect((await prisma.server.findUniqueOrThrow({ where: { id: serverId } })).hostname).toBeNull();

    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);
    const other = await FakeAgent.connect(pharos.wsUrl, neighbour.apiKey);
    // Sent together with another agent's sample: that one is stored all the same (same batch or not).
    agent.sendMetrics({ disk_usage: [{ mountpoint: '/mnt/\u0000', percent: 10 }] });
    other.sendMetrics();
    expect(await agent.next()).toEqual(invalid);
    agent.send({ type: 'metrics', cpu_percent: 1, memory_percent: 1, network: [{ 'eth\u00000': 1 }] });
    expect(await agent.next()).toEqual(invalid);
    agent.sendLog('bad\u0000line');
    expect(await agent.next()).toEqual(invalid);
    // Python agents decode undecodable bytes of a mount point or log as lone surrogates (surrogateescape).
    agent.sendMetrics({ disk_usage: [{ mountpoint: '/mnt/caf\udce9', percent: 10 }] });
    expect(await agent.next()).toEqual(invalid);
    agent.sendLog('bad \ud800 line');
    expect(await agent.next()).toEqual(invalid);

    const created = await pharos.request(`/api/v1/servers/${serverId}/commands`, { token, body: { command: 'head -c 4 /bin/true' } });
    const command = await agent.nextCommand();
    agent.answer(command, { output: '\u007fELF\u0000', exit_code: 0, duration_ms: 3 });
    expect(await agent.next()).toEqual(invalid);
    agent.answer(command, { output: '\u007fELF\udbff', exit_code: 0, duration_ms: 3 });
    expect(await agent.next()).toEqual(invalid);
    // The agent may answer again, without the NUL.
    agent.answer(command, { output: '\u007fELF', exit_code: 0, duration_ms: 3 });
    await eventually(async () => expect((await pharos.request(`/api/v1/commands/${created.body.id}`, { token })).body).toMatchObject({ state: 'completed', output: '\u007fELF' }));

    await eventually(async () => expect(await prisma.metricSample.count({ where: { serverId: neighbour.serverId } })).toBe(1));
    expect(await prisma.metricSample.count({ where: { serverId } })).toBe(0);
    expect(await events(serverId)).not.toContain('agent.log');
    agent.sendMetrics();
    await eventually(async () => expect(await prisma.metricSample.count({ where: { serverId } })).toBe(1));
    expect(agent.ws.readyState).toBe(agent.ws.OPEN);
    agent.close();
    other.close();
  });

  it('closes an agent that floods the socket or sends an oversized message, and marks it offline', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'agent-flood-1');
    const flooder = await FakeAgent.connect(pharos.wsUrl, apiKey);
    for (let i = 0; i < 40; i++) flooder.send({ type: 'heartbeat' });
    expect(await flooder.next()).toEqual({ type: 'error', message: 'Too many messages' });
    expect((await flooder.closed).code).toBe(AgentCloseCode.TooManyMessages);
    await eventually(async () => expect(await events(serverId)).toEqual(['agent.connected', 'agent.flood']));
    expect(await status(serverId)).toBe('offline');

    const big = await FakeAgent.connect(pharos.wsUrl, apiKey);
    big.sendLog('x'.repeat(10_000));
    expect((await big.closed).code).toBe(AgentCloseCode.MessageTooLarge);
    await eventually(async () => expect((await events(serverId)).slice(-1)).toEqual(['agent.message_too_large']));
    expect(await status(serverId)).toBe('offline');
  });

  it('closes an agent that stops answering heartbeats and marks its server offline', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'agent-heartbeat-1');
    const hung = await FakeAgent.connect(pharos.wsUrl, apiKey, { autoPong: false });
    await eventually(async () => expect(await status(serverId)).toBe('online'));
    const closed = await hung.closed;
    expect(closed).toEqual({ code: AgentCloseCode.HeartbeatTimeout, reason: 'Heartbeat timeout' });
    await eventually(async () => expect(await status(serverId)).toBe('offline'));
    const kinds = await events(serverId);
    expect(kinds).toEqual(['agent.connected', 'agent.heartbeat_timeout']);
  });

  it('keeps an agent that answers pings connected past the heartbeat timeout', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'agent-heartbeat-2');
    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(agent.ws.readyState).toBe(agent.ws.OPEN);
    expect(await status(serverId)).toBe('online');
    agent.close();
  });

  it('lets a reconnecting agent replace its old connection without an offline event', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'agent-replace-1');
    const first = await FakeAgent.connect(pharos.wsUrl, apiKey);
    const second = await FakeAgent.connect(pharos.wsUrl, apiKey);
    expect(await first.next()).toEqual({ type: 'error', message: 'Replaced by a newer connection for this server' });
    expect((await first.closed).code).toBe(AgentCloseCode.Replaced);
    // Under load the second connect's event may land late: wait for it, then make sure no
    // offline event follows.
    await eventually(async () => expect(await events(serverId)).toEqual(['agent.connected', 'agent.connected']));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await status(serverId)).toBe('online');
    expect(await events(serverId)).toEqual(['agent.connected', 'agent.connected']);

    second.sendMetrics();
    await eventually(async () => expect(await prisma.metricSample.count({ where: { serverId } })).toBe(1));
    second.close();
    await eventually(async () => expect(await events(serverId)).toEqual(['agent.connected', 'agent.connected', 'agent.disconnected']));
  });
});
