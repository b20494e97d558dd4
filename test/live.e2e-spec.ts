import { JwtService } from '@nestjs/jwt';
import { PrismaService } from '@pharos/database';
import { FRONTEND_LOGS_WS_PATH, FRONTEND_METRICS_WS_PATH, FrontendCloseCode, type LiveMetricsData } from '@pharos/protocol';
import { EventLogService } from '../apps/server/src/fleet/event-log/event-log.service';
import { MetricsService } from '../apps/server/src/fleet/metrics/metrics.service';
import { ServersService } from '../apps/server/src/fleet/servers/servers.service';
import { eventually } from './support/eventually';
import { enrolAgentServer, FakeAgent } from './support/fake-agent';
import { openLiveSocket } from './support/live-socket';
import { startPharos, type RunningPharos } from './support/pharos-test-app';
import { TestSocket } from './support/test-socket';

describe("the browsers' live sockets", () => {
  let pharos: RunningPharos;
  let token: string;
  let prisma: PrismaService;

  beforeAll(async () => {
    pharos = await startPharos({ env: { WS_AUTH_TIMEOUT_SECONDS: '1', LIVE_LOG_HISTORY: '3', LIVE_SOCKETS_PER_USER: '4', LIVE_HEARTBEAT_SECONDS: '0.3' } });
    token = await pharos.login();
    prisma = pharos.app.get(PrismaService);
  });
  afterAll(() => pharos.close());

  const metricsUrl = (id: string) => `${pharos.wsUrl}${FRONTEND_METRICS_WS_PATH.replace(':serverId', id)}`;
  const logsUrl = (id: string) => `${pharos.wsUrl}${FRONTEND_LOGS_WS_PATH.replace(':serverId', id)}`;

  async function refused(url: string, first: unknown | undefined): Promise<{ reply: any; close: { code: number; reason: string } }> {
    const socket = await TestSocket.open(url);
    if (first !== undefined) socket.send(first);
    const reply = await socket.next();
    return { reply, close: await socket.closed };
  }

  it('refuses a missing, wrong or invalid token and an unknown server, with an error message and a close code', async () => {
    const { serverId } = await enrolAgentServer(pharos, token, 'live-auth-1');
    expect(await refused(metricsUrl(serverId), undefined)).toEqual({
      reply: { type: 'error', message: 'Authentication timeout' },
      close: { code: FrontendCloseCode.Unauthorized, reason: 'Authentication timeout' },
    });
    const wrongType = await refused(logsUrl(serverId), { type: 'hello', token });
    expect(wrongType.reply).toMatchObject({ type: 'error', message: expect.stringContaining('Authentication required') });
    expect(wrongType.close.code).toBe(FrontendCloseCode.Unauthorized);
    expect(await refused(metricsUrl(serverId), { type: 'auth', token: `${token}x` })).toMatchObject({
      reply: { type: 'error', message: 'invalid access token' },
      close: { code: FrontendCloseCode.Unauthorized },
    });
    for (const url of [metricsUrl('9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d'), logsUrl('not-a-uuid')]) {
      const unknown = await refused(url, { type: 'auth', token });
      expect(unknown.reply).toEqual({ type: 'error', message: expect.stringMatching(/^Server .* not found$/) });
      expect(unknown.close.code).toBe(FrontendCloseCode.Forbidden);
    }
  });

  it('closes a socket with 4401 when its access token expires', async () => {
    const { serverId } = await enrolAgentServer(pharos, token, 'live-expiry-1');
    const me = (await pharos.request('/api/v1/auth/me', { token })).body;
    // The claims of the admin's own token (its token version included), with a 2 s life.
    const { iat: _iat, exp: _exp, ...claims } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ sub: me.id, typ: 'access', ver: expect.any(Number) });
    const shortLived = pharos.app.get(JwtService).sign(claims, { expiresIn: 2 });
    const socket = await openLiveSocket(pharos.wsUrl, 'metrics', serverId, shortLived);
    expect(await socket.next(5_000)).toEqual({ type: 'error', message: 'access token expired' });
    expect(await socket.closed).toEqual({ code: FrontendCloseCode.TokenExpired, reason: 'access token expired' });
  });

  it('caps the live sockets one user holds open', async () => {
    const { serverId } = await enrolAgentServer(pharos, token, 'live-cap-1');
    const open = [];
    for (let i = 0; i < 4; i++) open.push(await openLiveSocket(pharos.wsUrl, i % 2 ? 'logs' : 'metrics', serverId, token));
    const fifth = await refused(metricsUrl(serverId), { type: 'auth', token });
    expect(fifth.reply).toEqual({ type: 'error', message: 'Too many live connections (at most 4 per user)' });
    expect(fifth.close.code).toBe(FrontendCloseCode.TooManyConnections);
    open[0]!.close();
    await open[0]!.closed;
    await eventually(async () => (await openLiveSocket(pharos.wsUrl, 'metrics', serverId, token)).close());
    for (const socket of open) socket.close();
  });

  it('drops a browser socket that stops answering pings', async () => {
    const { serverId } = await enrolAgentServer(pharos, token, 'live-heartbeat-1');
    const hung = await openLiveSocket(pharos.wsUrl, 'metrics', serverId, token, { autoPong: false });
    const healthy = await openLiveSocket(pharos.wsUrl, 'metrics', serverId, token);
    expect((await hung.closed).code).toBe(1006);
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN);
    healthy.close();
  });

  it('sends the latest log entries first, then live ones, including the agent’s own log lines', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'live-logs-1');
    const eventLog = pharos.app.get(EventLogService);
    for (let i = 1; i <= 5; i++) await eventLog.record('server', serverId, { kind: 'test.entry', message: `entry ${i}` });

    const logs = await openLiveSocket(pharos.wsUrl, 'logs', serverId, token);
    const history = [await logs.next(), await logs.next(), await logs.next()];
    expect(history.map((m) => m.data.message)).toEqual(['entry 3', 'entry 4', 'entry 5']);
    expect(history[0]).toEqual({ type: 'log', data: expect.objectContaining({ level: 'INFO', message: 'entry 3', timestamp: expect.any(String) }) });

    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);
    expect((await logs.next()).data).toMatchObject({ kind: 'agent.connected', level: 'INFO' });
    agent.sendLog('disk nearly full', 'warning', '2026-05-01T12:00:00Z');
    expect(await logs.next()).toEqual({
      type: 'log',
      data: expect.objectContaining({ level: 'WARN', kind: 'agent.log', message: 'disk nearly full', timestamp: '2026-05-01T12:00:00.000Z' }),
    });
    agent.close();
    expect((await logs.next()).data).toMatchObject({ kind: 'agent.disconnected', level: 'WARN' });
    logs.close();
  });

  it('streams the event log of a Lightd container and of a Lightd daemon by their ids', async () => {
    const daemon = await prisma.lightdDaemon.create({ data: { name: 'lightd-live-1', apiUrl: 'http://node-1:8070', server: { create: { name: 'lightd-live-1', source: 'lightd' } } } });
    const container = await prisma.lightdContainer.create({ data: { daemonId: daemon.id, internalId: 'mc-1' } });
    const eventLog = pharos.app.get(EventLogService);
    await eventLog.record('lightd_container', container.id, { kind: 'container.status', message: 'Container is installing' });

    const logs = await openLiveSocket(pharos.wsUrl, 'logs', container.id, token);
    expect((await logs.next()).data).toMatchObject({ kind: 'container.status', message: 'Container is installing' });
    await eventLog.record('lightd_container', container.id, { kind: 'container.status', message: 'Container is ready' });
    expect((await logs.next()).data).toMatchObject({ message: 'Container is ready' });

    const daemonLogs = await openLiveSocket(pharos.wsUrl, 'logs', daemon.id, token);
    await eventLog.record('lightd_daemon', daemon.id, { level: 'WARN', kind: 'daemon.offline', message: 'Daemon is offline' });
    expect((await daemonLogs.next()).data).toMatchObject({ level: 'WARN', message: 'Daemon is offline' });
    expect(logs.pending).toBe(0);
    logs.close();
    daemonLogs.close();
  });

  it('delivers samples of a server reported by an Ithiltir node too', async () => {
    const server = await pharos.app.get(ServersService).create({ name: 'node-live-1', source: 'ithiltir' });
    const browser = await openLiveSocket(pharos.wsUrl, 'metrics', server.id, token);
    const sample: LiveMetricsData = {
      server_id: server.id,
      source: 'ithiltir',
      timestamp: new Date().toISOString(),
      cpu_percent: 7,
      memory_percent: 8,
      disk_usage: [],
      network: [],
    };
    await pharos.app.get(MetricsService).record(server.id, sample);
    expect(await browser.next()).toEqual({ type: 'metrics', data: sample });
    browser.close();
  });

  it('pushes a firing alert and its resolution to the metrics socket and the server’s event log', async () => {
    const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'live-alert-1', { group: 'alerting' });
    const rule = await pharos.request('/api/v1/alert-rules', {
      token,
      body: { name: 'High CPU', metric: 'cpu_percent', op: 'gt', threshold: 90, group: 'alerting', severity: 'critical' },
    });
    expect(rule.status).toBe(201);
    const browser = await openLiveSocket(pharos.wsUrl, 'metrics', serverId, token);
    const logs = await openLiveSocket(pharos.wsUrl, 'logs', serverId, token);
    const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);

    agent.sendMetrics({ cpu_percent: 50 });
    expect((await browser.next()).type).toBe('metrics');
    agent.sendMetrics({ cpu_percent: 97.5 });
    expect((await browser.next()).data.cpu_percent).toBe(97.5);
    const firing = await browser.next();
    expect(firing).toEqual({
      type: 'alert',
      data: expect.objectContaining({
        server_id: serverId,
        rule: 'High CPU',
        rule_id: rule.body.id,
        severity: 'critical',
        state: 'firing',
        value: 97.5,
        threshold: 90,
        message: 'High CPU: cpu_percent 97.5 > 90',
      }),
    });
    expect((await pharos.request(`/api/v1/alerts?state=firing&serverId=${serverId}`, { token })).body.items).toEqual([firing.data]);

    // A browser that opens now is told what is firing.
    const late = await openLiveSocket(pharos.wsUrl, 'metrics', serverId, token);
    expect(await late.next()).toEqual(firing);
    late.close();

    agent.sendMetrics({ cpu_percent: 99 });
    agent.sendMetrics({ cpu_percent: 20 });
    const messages = [await browser.next(), await browser.next(), await browser.next()];
    expect(messages.map((m) => m.type)).toEqual(['metrics', 'metrics', 'alert']);
    expect(messages[2].data).toMatchObject({ id: firing.data.id, state: 'resolved', value: 20 });

    const kinds: string[] = [];
    while (!kinds.includes('alert.resolved')) kinds.push((await logs.next()).data.kind);
    expect(kinds.filter((k) => k.startsWith('alert.'))).toEqual(['alert.firing', 'alert.resolved']);
    const entries = await prisma.eventLogEntry.findMany({ where: { subjectId: serverId, kind: 'alert.firing' } });
    expect(entries).toEqual([expect.objectContaining({ level: 'ERROR', message: 'Alert High CPU: cpu_percent 97.5 > 90' })]);

    // Deleting a rule that is firing resolves its alert.
    agent.sendMetrics({ cpu_percent: 95 });
    await browser.nextMatching((m) => m.type === 'alert' && m.data.state === 'firing');
    expect((await pharos.request(`/api/v1/alert-rules/${rule.body.id}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await browser.nextMatching((m) => m.type === 'alert')).data).toMatchObject({ state: 'resolved', message: 'High CPU resolved: the rule was changed or removed' });
    agent.close();
    browser.close();
    logs.close();
  });

  it('validates alert rules', async () => {
    const bad = await pharos.request('/api/v1/alert-rules', { token, body: { name: 'x', metric: 'cpu', op: 'gt', threshold: 1 } });
    expect(bad).toMatchObject({ status: 400, body: { field: 'metric' } });
    const both = await pharos.request('/api/v1/alert-rules', {
      token,
      body: { name: 'x', metric: 'cpu_percent', op: 'gt', threshold: 1, serverId: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d', group: 'g' },
    });
    expect(both).toMatchObject({ status: 400, body: { field: 'group' } });
    expect((await pharos.request('/api/v1/alert-rules', { token, body: { name: 'x', metric: 'cpu_percent', op: 'above', threshold: 1 } })).body.field).toBe('op');
    const ok = await pharos.request('/api/v1/alert-rules', { token, body: { name: 'Low disk', metric: 'disk_percent', op: 'gte', threshold: 95, forSeconds: 60 } });
    const patched = await pharos.request(`/api/v1/alert-rules/${ok.body.id}`, { method: 'PATCH', token, body: { enabled: false } });
    expect(patched.body).toMatchObject({ name: 'Low disk', enabled: false, forSeconds: 60, severity: 'warning' });
  });
});
