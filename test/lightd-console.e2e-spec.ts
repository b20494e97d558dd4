import { PrismaService } from '@pharos/database';
import { FrontendCloseCode, type LightdContainerStats, type LogEntryData } from '@pharos/protocol';
import WebSocket from 'ws';
import { FleetEventBus } from '../apps/server/src/platform/events/fleet-event-bus';
import { FakeLightdDaemon } from './support/fake-lightd-daemon';
import { LightdEmulator } from './support/lightd-emulator';
import { startPharos, type RunningPharos } from './support/pharos-test-app';
import { TestSocket } from './support/test-socket';

const API_TOKEN = 'lightd_5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a';

const STATS: LightdContainerStats = { memory_bytes: 134217728, memory_limit_bytes: 536870912, cpu_absolute: 25.5, network: { rx_bytes: 1024, tx_bytes: 2048 }, uptime: 42, state: 'running', disk_bytes: 0 };

describe('Lightd container console proxy (Lightd v2)', () => {
  let pharos: RunningPharos;
  let prisma: PrismaService;
  let daemon: FakeLightdDaemon;
  let admin: string;
  let viewer: string;
  let daemonId: string;
  let lightd: LightdEmulator;
  const sockets: TestSocket[] = [];

  /** A container the daemon runs and reported; returns Pharos's id of it. */
  async function reported(internalId: string): Promise<string> {
    daemon.addContainer(internalId);
    expect((await lightd.sendStatus(internalId, 'ready')).status).toBe(200);
    const row = await prisma.lightdContainer.findUniqueOrThrow({ where: { daemonId_internalId: { daemonId, internalId } } });
    return row.id;
  }

  /** A browser on the container's console, authenticated; resolves once it is attached. */
  async function openConsole(containerId: string, token = admin): Promise<TestSocket> {
    const socket = await TestSocket.open(`${pharos.wsUrl}/api/v1/ws/containers/${containerId}/console`);
    sockets.push(socket);
    socket.send({ type: 'auth', token });
    const attached = await socket.next();
    expect(attached).toMatchObject({ type: 'attached', container: { id: containerId } });
    return socket;
  }

  /** Another client of the daemon (a panel, an earlier Pharos) connects and leaves: Lightd keeps its streamer. */
  async function earlierConnection(internalId: string): Promise<void> {
    const res = await fetch(`${daemon.apiUrl}/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ttl":"15m"}' });
    const { token } = (await res.json()) as { token: string };
    const ws = new WebSocket(`${daemon.apiUrl.replace('http', 'ws')}/ws/${internalId}?token=${token}`);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.close();
    await new Promise((resolve) => ws.once('close', resolve));
  }

  const connected = (socket: TestSocket) => socket.nextMatching((m) => m.type === 'upstream' && m.state === 'connected');

  beforeAll(async () => {
    pharos = await startPharos({
      env: {
        LIGHTD_CONSOLE_RECONNECT_MIN_MS: '20',
        LIGHTD_CONSOLE_RECONNECT_MAX_MS: '200',
        LIGHTD_CONSOLE_CONNECT_TIMEOUT_MS: '2000',
        LIGHTD_CONSOLE_PING_SECONDS: '1',
        LIGHTD_CONSOLE_TOKEN_TTL_SECONDS: '3600',
      },
    });
    prisma = pharos.app.get(PrismaService);
    admin = await pharos.login();
    await pharos.request('/api/v1/users', { token: admin, body: { username: 'watcher', password: 'watcher-password', role: 'viewer' } });
    viewer = await pharos.login('watcher', 'watcher-password');
    daemon = await FakeLightdDaemon.start({ masterToken: API_TOKEN });
    const res = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name: 'node-7', apiUrl: daemon.apiUrl, apiToken: API_TOKEN } });
    daemonId = res.body.daemon.id;
    lightd = new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: res.body.remoteToken });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await pharos.close();
    await daemon.close();
  });

  it('mints a socket token (the master token is refused on the socket) and relays v2 frames, stats decoded', async () => {
    const id = await reported('mc-1');
    // As Lightd's code has it: its own API token does not open a container socket.
    await expect(TestSocket.open(`${daemon.apiUrl.replace('http', 'ws')}/ws/mc-1?token=${API_TOKEN}`)).rejects.toMatchObject({ status: 401 });
    const minted = daemon.mintRequests.length;
    const browser = await openConsole(id);
    expect(await browser.next()).toMatchObject({ type: 'upstream', state: 'connecting', message: 'Connecting to Lightd daemon "node-7"' });
    expect(await browser.next()).toMatchObject({ type: 'upstream', state: 'connected' });
    const [upstream] = await daemon.waitForOpen('mc-1');
    expect(daemon.mintRequests.slice(minted)).toEqual([
      { authorization: `Bearer ${API_TOKEN}`, accept: 'Application/vnd.pkglatv1+json', body: { ttl: '3600', remove_on_use: false } },
    ]);
    expect(upstream!.token).toMatch(/^lightd_[0-9a-f]{32}$/);
    expect(upstream!.token).not.toBe(API_TOKEN);

    daemon.stats('mc-1', STATS);
    daemon.print('mc-1', 'Server started on port 25565\n');
    daemon.print('mc-1', 'Done (3.2s)!');
    daemon.state('mc-1', 'running');
    daemon.daemonMessage('mc-1', 'Server started');
    daemon.raw('mc-1', { event: 'stats', args: ['{"cpu":"lots"}'] }); // malformed: dropped
    daemon.raw('mc-1', { event: 'players', args: ['3'] }); // a kind this Pharos does not know: passed on

    const stats = { event: 'stats', cpu_usage: 25.5, memory_usage: 134217728, memory_limit: 536870912, network_rx: 1024, network_tx: 2048, block_read: 0, block_write: 0, stats: STATS };
    expect(await browser.next()).toEqual(stats);
    expect(await browser.next()).toEqual({ event: 'console', data: 'Server started on port 25565\n' });
    expect(await browser.next()).toEqual({ event: 'console', data: 'Done (3.2s)!\n' });
    expect(await browser.next()).toEqual({ event: 'event', data: 'running' });
    expect(await browser.next()).toEqual({ event: 'daemon_message', data: 'Server started' });
    expect(await browser.next()).toEqual({ event: 'players', args: ['3'] });

    // A viewer who joins later gets the latest state and stats at once (Lightd sends them only on change).
    const late = await openConsole(id);
    expect(await late.next()).toMatchObject({ type: 'upstream', state: 'connected' });
    expect(await late.next()).toEqual({ event: 'event', data: 'running' });
    expect(await late.next()).toEqual(stats);
  });

  it('shows each line once although Lightd broadcasts it once per connection ever made, and a repeated line as often as printed', async () => {
    const id = await reported('mc-dup');
    await earlierConnection('mc-dup');
    await earlierConnection('mc-dup');
    const browser = await openConsole(id);
    await connected(browser);
    await daemon.waitForOpen('mc-dup');
    expect(daemon.containers.get('mc-dup')!.streamers).toHaveLength(3);

    daemon.print('mc-dup', 'Preparing spawn area: 84%');
    daemon.print('mc-dup', 'tick\ntick\ntick');
    daemon.print('mc-dup', 'Done!');
    const lines: string[] = [];
    while (lines.at(-1) !== 'Done!\n') lines.push((await browser.nextMatching((m) => m.event === 'console')).data);
    expect(lines).toEqual(['Preparing spawn area: 84%\n', 'tick\n', 'tick\n', 'tick\n', 'Done!\n']);

    // The logs buffer holds each line once per streamer too: the answer is folded as well.
    browser.send({ event: 'request_logs' });
    const logs = await browser.nextMatching((m) => m.event === 'logs');
    expect(logs.data.split('\n')).toEqual(['Preparing spawn area: 84%', 'tick', 'Done!']);
  });

  it('relays commands, power actions and log requests in the forms Lightd v2 parses, recording who sent what', async () => {
    const id = await reported('mc-2');
    const published: LogEntryData[] = [];
    const unsubscribe = pharos.app.get(FleetEventBus).subscribe('log', id, (entry) => published.push(entry));
    const browser = await openConsole(id);
    await connected(browser);
    const [upstream] = await daemon.waitForOpen('mc-2');
    daemon.print('mc-2', 'Previous log line 1\nPrevious log line 2');

    browser.send({ event: 'send_command', command: 'say hello\n', token: 'smuggled' });
    expect(await browser.nextMatching((m) => m.type === 'relayed')).toEqual({ type: 'relayed', event: 'send_command' });
    browser.send({ event: 'power', action: 'restart' });
    expect(await browser.nextMatching((m) => m.type === 'relayed')).toEqual({ type: 'relayed', event: 'power' });
    expect(await browser.nextMatching((m) => m.event === 'daemon_message')).toEqual({ event: 'daemon_message', data: 'Container restarted' });
    browser.send({ event: 'request_logs' });
    expect(await browser.nextMatching((m) => m.event === 'logs')).toEqual({ event: 'logs', data: 'Previous log line 1\nPrevious log line 2' });

    // Refused before reaching the daemon, with the reason.
    browser.send({ event: 'power', action: 'stop' });
    expect(await browser.nextMatching((m) => m.type === 'error')).toEqual({ type: 'error', message: 'action: must be one of start, kill, restart' });
    browser.send({ event: 'send_command', command: '' });
    expect((await browser.nextMatching((m) => m.type === 'error')).message).toMatch(/^command: /);
    browser.send('not json');
    expect((await browser.nextMatching((m) => m.type === 'error')).message).toBe('(root): must be a JSON object');
    // It could not be recorded (PostgreSQL cannot store NUL nor a lone surrogate), so it is not sent either.
    browser.send({ event: 'send_command', command: 'say \u0000\n' });
    expect((await browser.nextMatching((m) => m.type === 'error')).message).toBe('command: text must not contain NUL characters (\\u0000)');
    browser.send({ event: 'send_command', command: 'say \ud800\n' });
    expect((await browser.nextMatching((m) => m.type === 'error')).message).toBe('command: text must not contain unpaired UTF-16 surrogates (\\ud800-\\udfff)');

    // Only v2's untagged forms reached the daemon, the command without its newline (Lightd adds one).
    expect(await daemon.receivedBy(upstream!, 3)).toEqual([{ send_command: ['say hello'] }, { power: ['restart'] }, { logs: ['100'] }]);

    const audit = await prisma.auditEntry.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.actorName, a.action, a.targetType, a.data])).toEqual([
      ['admin', 'lightd.console.command', 'lightd_container', { command: 'say hello\n', internalId: 'mc-2', daemonId }],
      ['admin', 'lightd.console.power', 'lightd_container', { action: 'restart', internalId: 'mc-2', daemonId }],
    ]);
    const log = await prisma.eventLogEntry.findMany({ where: { subjectId: id, kind: { startsWith: 'console.' } }, orderBy: { id: 'asc' } });
    expect(log.map((e) => e.message)).toEqual(['admin sent command: say hello', 'admin sent power action "restart"']);
    expect(published.filter((e) => e.kind?.startsWith('console.')).map((e) => e.message)).toEqual(log.map((e) => e.message));
    unsubscribe();
  });

  it('shares one daemon connection between two browsers, answers logs to the one who asked, and closes it when the last leaves', async () => {
    const id = await reported('mc-3');
    const a = await openConsole(id);
    await connected(a);
    const b = await openConsole(id);
    await connected(b);
    const [upstream] = await daemon.waitForOpen('mc-3');
    expect(daemon.connections.filter((c) => c.internalId === 'mc-3')).toHaveLength(1);

    daemon.print('mc-3', 'both see this');
    expect(await a.next()).toEqual({ event: 'console', data: 'both see this\n' });
    expect(await b.next()).toEqual({ event: 'console', data: 'both see this\n' });

    b.send({ event: 'request_logs' });
    expect(await b.next()).toEqual({ type: 'relayed', event: 'request_logs' });
    expect(await b.next()).toEqual({ event: 'logs', data: 'both see this' });
    daemon.print('mc-3', 'after the logs');
    // A did not get B's history: its next message is the later output.
    expect(await a.next()).toEqual({ event: 'console', data: 'after the logs\n' });
    expect(await b.next()).toEqual({ event: 'console', data: 'after the logs\n' });

    a.close();
    await a.closed;
    daemon.print('mc-3', 'still open for b');
    expect(await b.next()).toEqual({ event: 'console', data: 'still open for b\n' });
    b.close();
    await upstream!.closed;
  });

  it('mints a new token and reconnects when the token expires, the viewers seeing only state lines', async () => {
    const id = await reported('mc-ttl');
    const browser = await openConsole(id);
    await connected(browser);
    const [first] = await daemon.waitForOpen('mc-ttl');
    const minted = daemon.mintRequests.length;

    // Lightd checks the token before each message it sends: the next line ends the socket instead.
    daemon.expireTokens();
    daemon.print('mc-ttl', 'never sent');
    await first!.closed;
    const down = await browser.nextMatching((m) => m.type === 'upstream' && m.state === 'disconnected');
    expect(down.message).toMatch(/^Lightd daemon "node-7" closed the console connection/);
    await connected(browser);
    const [second] = await daemon.waitForOpen('mc-ttl');
    expect(daemon.mintRequests.length).toBe(minted + 1);
    expect(second!.token).not.toBe(first!.token);
    daemon.print('mc-ttl', 'back');
    expect(await browser.nextMatching((m) => m.event === 'console')).toEqual({ event: 'console', data: 'back\n' });
  });

  it('tells the browser when the daemon drops the connection, reconnects with backoff, and refuses commands meanwhile', async () => {
    const id = await reported('mc-4');
    const browser = await openConsole(id);
    await connected(browser);
    await daemon.waitForOpen('mc-4');

    daemon.drop('mc-4');
    const down = await browser.nextMatching((m) => m.type === 'upstream' && m.state === 'disconnected');
    expect(down.message).toMatch(/^Lightd daemon "node-7" closed the console connection \(code 1006\)/);
    expect(down.retry_in_ms).toBeGreaterThan(0);
    expect(down.retry_in_ms).toBeLessThanOrEqual(20);
    await connected(browser);
    await daemon.waitForOpen('mc-4');
    expect(daemon.connections.filter((c) => c.internalId === 'mc-4')).toHaveLength(2);
    daemon.print('mc-4', 'back');
    expect(await browser.nextMatching((m) => m.event === 'console')).toEqual({ event: 'console', data: 'back\n' });

    // While the daemon cannot issue tokens, attempts back off and commands are refused, not queued.
    daemon.tokenStoreBroken = true;
    daemon.drop('mc-4');
    const refused = await browser.nextMatching((m) => m.type === 'upstream' && m.state === 'disconnected' && /HTTP 500/.test(m.message));
    expect(refused.message).toBe(
      'could not get a console token: Lightd daemon "node-7" answered POST /auth/tokens with HTTP 500: {"error":"IO error: No space left on device (os error 28)"}',
    );
    const delays = [refused.retry_in_ms];
    for (let i = 0; i < 3; i++) delays.push((await browser.nextMatching((m) => m.type === 'upstream' && m.state === 'disconnected')).retry_in_ms);
    // 20 ms doubling to the 200 ms cap, each up to 20 % shorter.
    for (const [i, delay] of delays.entries()) {
      const full = Math.min(200, 20 * 2 ** (i + 1));
      expect(delay).toBeGreaterThanOrEqual(Math.floor(full * 0.8));
      expect(delay).toBeLessThanOrEqual(full);
    }
    browser.send({ event: 'send_command', command: 'ignored\n' });
    expect((await browser.nextMatching((m) => m.type === 'error')).message).toBe('not connected to Lightd daemon "node-7": send_command was not sent');
    expect(await prisma.auditEntry.count({ where: { targetId: id } })).toBe(0);

    daemon.tokenStoreBroken = false;
    await connected(browser);
  });

  it('drops and reopens a daemon connection that stops answering pings', async () => {
    const id = await reported('mc-9');
    const browser = await openConsole(id);
    await connected(browser);
    await daemon.waitForOpen('mc-9');
    daemon.hang('mc-9');
    const down = await browser.nextMatching((m) => m.type === 'upstream' && m.state === 'disconnected', 5000);
    expect(down.message).toBe('Lightd daemon "node-7" stopped answering');
    await connected(browser);
  });

  it('uses the API token an admin sets for the next token, and never lets a token reach the browser', async () => {
    const id = await reported('mc-5');
    const browser = await openConsole(id);
    const raw: string[] = [];
    browser.ws.on('message', (data) => raw.push(data.toString()));
    await connected(browser);
    await daemon.waitForOpen('mc-5');
    const renewed = 'lightd_6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b';
    const minted = daemon.mintRequests.length;
    await pharos.request(`/api/v1/lightd/daemons/${daemonId}`, { method: 'PATCH', token: admin, body: { apiToken: renewed } });
    await browser.nextMatching((m) => m.type === 'upstream' && m.state === 'disconnected');
    await connected(browser);
    const [upstream] = await daemon.waitForOpen('mc-5');
    expect(daemon.mintRequests[minted]!.authorization).toBe(`Bearer ${renewed}`);
    daemon.print('mc-5', 'ok');
    await browser.nextMatching((m) => m.event === 'console');
    for (const frame of raw) {
      expect(frame).not.toContain(API_TOKEN);
      expect(frame).not.toContain(renewed);
      expect(frame).not.toContain(upstream!.token);
    }
    await pharos.request(`/api/v1/lightd/daemons/${daemonId}`, { method: 'PATCH', token: admin, body: { apiToken: API_TOKEN } });
  });

  it('lets a viewer watch and request logs, but not send commands or power actions', async () => {
    const id = await reported('mc-6');
    const browser = await openConsole(id, viewer);
    await connected(browser);
    const [upstream] = await daemon.waitForOpen('mc-6');
    browser.send({ event: 'power', action: 'kill' });
    expect(await browser.nextMatching((m) => m.type === 'error')).toEqual({ type: 'error', message: 'viewers may watch a console but not send commands or power actions' });
    browser.send({ event: 'request_logs' });
    expect(await browser.nextMatching((m) => m.type === 'relayed')).toEqual({ type: 'relayed', event: 'request_logs' });
    expect(await daemon.receivedBy(upstream!, 1)).toEqual([{ logs: ['100'] }]);
  });

  it('relays commands a browser sends right behind its auth message, in order', async () => {
    const id = await reported('mc-7');
    const opening = await openConsole(id);
    await connected(opening);
    await daemon.waitForOpen('mc-7');
    const eager = await TestSocket.open(`${pharos.wsUrl}/api/v1/ws/containers/${id}/console`);
    sockets.push(eager);
    eager.send({ type: 'auth', token: admin });
    eager.send({ event: 'send_command', command: 'first\n' });
    eager.send({ event: 'send_command', command: 'second' });
    const relayed = [await eager.nextMatching((m) => m.type === 'relayed'), await eager.nextMatching((m) => m.type === 'relayed')];
    expect(relayed).toHaveLength(2);
    const [upstream] = daemon.open('mc-7');
    expect(await daemon.receivedBy(upstream!, 2)).toEqual([{ send_command: ['first'] }, { send_command: ['second'] }]);
  });

  it('refuses a browser without a valid access token, and a console of a container that does not exist', async () => {
    const id = await reported('mc-8');
    const anonymous = await TestSocket.open(`${pharos.wsUrl}/api/v1/ws/containers/${id}/console`);
    anonymous.send({ event: 'request_logs' });
    expect(await anonymous.next()).toMatchObject({ type: 'error' });
    expect((await anonymous.closed).code).toBe(FrontendCloseCode.Unauthorized);

    const forged = await TestSocket.open(`${pharos.wsUrl}/api/v1/ws/containers/${id}/console`);
    forged.send({ type: 'auth', token: `${admin.slice(0, -4)}AAAA` });
    expect((await forged.closed).code).toBe(FrontendCloseCode.Unauthorized);

    for (const missing of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const socket = await TestSocket.open(`${pharos.wsUrl}/api/v1/ws/containers/${missing}/console`);
      socket.send({ type: 'auth', token: admin });
      expect(await socket.next()).toEqual({ type: 'error', message: `no Lightd container ${missing}` });
      expect((await socket.closed).code).toBe(FrontendCloseCode.Forbidden);
    }
    expect(daemon.connections.some((c) => c.internalId === 'mc-8')).toBe(false);
  });

  it('closes the consoles of a daemon an admin deletes', async () => {
    const other = await FakeLightdDaemon.start({ masterToken: API_TOKEN });
    try {
      const res = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name: 'node-gone', apiUrl: other.apiUrl, apiToken: API_TOKEN } });
      const gone = new LightdEmulator({ url: pharos.baseUrl, token: res.body.remoteToken });
      other.addContainer('doomed');
      await gone.sendStatus('doomed', 'ready');
      const container = await prisma.lightdContainer.findFirstOrThrow({ where: { internalId: 'doomed' } });
      const browser = await openConsole(container.id);
      await connected(browser);
      const [upstream] = await other.waitForOpen('doomed');
      expect((await pharos.request(`/api/v1/lightd/daemons/${res.body.daemon.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
      expect(await browser.nextMatching((m) => m.type === 'error')).toEqual({ type: 'error', message: 'the daemon was removed from Pharos' });
      expect((await browser.closed).code).toBe(FrontendCloseCode.Forbidden);
      await upstream!.closed;
    } finally {
      await other.close();
    }
  });
});
