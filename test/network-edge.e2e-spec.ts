import { AGENT_WS_PATH, AgentCloseCode, FRONTEND_METRICS_WS_PATH } from '@pharos/protocol';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';
import { enrolAgentServer } from './support/fake-agent';
import { openLiveSocket } from './support/live-socket';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

/**
 * Issue 17, items 2 and 3: a client without credentials costs no parse of its body; JSON nests
 * at most 64 deep on every route; connections that are idle, slow or too many are closed; and
 * every WebSocket frame, control frames included, counts against a cap. Loopback only; the
 * timeouts are shortened so that each wait is a fraction of a second, and no test asserts on
 * how long anything took.
 */
describe('Network edge', () => {
  let pharos: RunningPharos;
  let admin: string;
  let nodeSecret: string;
  let lightdToken: string;
  const port = () => Number(new URL(pharos.baseUrl).port);

  beforeAll(async () => {
    pharos = await startPharos({
      env: {
        HTTP_HEADERS_TIMEOUT_MS: '1000',
        // Long enough for a 1 MiB body on a busy machine; the slow body below takes longer.
        HTTP_REQUEST_TIMEOUT_MS: '3000',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '500',
        HTTP_IDLE_TIMEOUT_MS: '5000',
        MAX_CONNECTIONS_PER_ADDRESS: '40',
        AGENT_WS_MESSAGES_PER_SECOND: '5',
        AGENT_WS_MESSAGE_BURST: '50',
        // Generous frame rate, tight send buffer: the non-reading socket must be cut by the buffer.
        WS_FRAMES_PER_SECOND: '100000',
        WS_FRAME_BURST: '100000',
        WS_MAX_BUFFERED_BYTES: String(64 * 1024),
      },
    });
    admin = await pharos.login();
    const node = await pharos.request('/api/v1/nodes', { token: admin, body: { name: 'edge-node' } });
    nodeSecret = node.body.secret;
    const daemon = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name: 'edge-daemon', apiUrl: 'http://127.0.0.1:9' } });
    lightdToken = daemon.body.remoteToken;
  });
  afterAll(() => pharos.close());

  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  describe('JSON nesting', () => {
    it('refuses JSON nested deeper than 64 with 400 JSON on node, Lightd, admin and login routes, never 500', async () => {
      const routes: [string, Record<string, string>, number][] = [
        ['/api/node/metrics', { 'x-node-secret': nodeSecret }, 500_000],
        ['/api/lightd/update', { authorization: `Bearer ${lightdToken}` }, 500_000],
        ['/update', { authorization: `Bearer ${lightdToken}` }, 100_000],
        ['/api/v1/servers', { authorization: `Bearer ${admin}` }, 100_000],
        ['/api/v1/alert-rules', { authorization: `Bearer ${admin}` }, 100_000],
        ['/api/v1/auth/login', {}, 4000],
      ];
      for (const [route, headers, depth] of routes) {
        for (const body of [nested(depth), `{"name":${'{"a":'.repeat(depth / 5)}1${'}'.repeat(depth / 5)}}`, nested(65)]) {
          const res = await pharos.request(route, { rawBody: body, headers });
          expect({ route, status: res.status }).toEqual({ route, status: 400 });
          expect(res.body).toMatchObject({ statusCode: 400, message: 'body: JSON nests deeper than 64 arrays or objects' });
        }
      }
      // 64 levels are still JSON like any other (refused or not for what they say, not for their depth).
      const ok = await pharos.request('/api/v1/servers', { token: admin, body: { name: 'deep-but-fine', tags: ['a'] } });
      expect(ok.status).toBe(201);
      const at64 = await pharos.request('/api/v1/servers', { token: admin, rawBody: `{"name":"x","tags":${nested(63)}}` });
      expect(at64.status).toBe(400);
      expect(at64.body.message).not.toMatch(/nests deeper/);
    });
  });

  describe('credentials before the body', () => {
    // Invalid JSON: a parse would answer 400. The 401 proves the body was never parsed.
    const notJson = 'x'.repeat(1024 * 1024 - 16);

    it('answers a node report without a secret 401 without parsing its 1 MiB body, and closes the connection', async () => {
      const res = await pharos.request('/api/node/metrics', { rawBody: notJson });
      expect(res).toMatchObject({ status: 401, body: { statusCode: 401, message: 'missing X-Node-Secret' } });
      expect(res.headers.get('connection')).toBe('close');
      const wrong = await pharos.request('/api/node/metrics', { rawBody: notJson, headers: { 'x-node-secret': 'pnode_not-a-secret' } });
      expect(wrong).toMatchObject({ status: 401, body: { message: 'unknown or revoked node secret' } });
      // With its secret, the same body is parsed, and refused for what it is.
      expect((await pharos.request('/api/node/metrics', { rawBody: notJson, headers: { 'x-node-secret': nodeSecret } })).status).toBe(400);
    });

    it('answers a Lightd update without a valid token 401 without parsing its body', async () => {
      for (const route of ['/api/lightd/update', '/update']) {
        expect(await pharos.request(route, { rawBody: notJson })).toMatchObject({ status: 401, body: { statusCode: 401 } });
        expect(await pharos.request(route, { rawBody: notJson, headers: { authorization: 'Bearer lightd_0123' } })).toMatchObject({ status: 401 });
        expect((await pharos.request(route, { rawBody: '{"event":', headers: { authorization: `Bearer ${lightdToken}` } })).status).toBe(400);
      }
      expect(await pharos.request('/api/lightd/health')).toMatchObject({ status: 401 });
      expect(await pharos.request('/api/lightd/health', { headers: { authorization: `Bearer ${lightdToken}` } })).toMatchObject({ status: 200, body: { status: 200, endpoint: 'active' } });
    });

    it('bounds the login body tightly (8 KiB) and admin bodies modestly', async () => {
      const login = await pharos.request('/api/v1/auth/login', { body: { username: 'admin', password: 'x'.repeat(9 * 1024) } });
      expect(login).toMatchObject({ status: 413, body: { statusCode: 413 } });
      const admin300k = await pharos.request('/api/v1/servers', { token: admin, body: { name: 'big', notes: 'x'.repeat(300 * 1024) } });
      expect(admin300k.status).toBe(413);
    });
  });

  describe('connection timeouts and caps', () => {
    /** A raw TCP connection: what it received and when it closed. */
    function connect(): { socket: net.Socket; received: () => string; closed: Promise<string> } {
      const socket = net.connect(port(), '127.0.0.1');
      let data = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('error', () => undefined);
      const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(data)));
      return { socket, received: () => data, closed };
    }

    it('closes a connection that never sends a request (408)', async () => {
      const { closed } = connect();
      expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('closes a connection whose headers trickle in (408)', async () => {
      const { socket, closed } = connect();
      socket.write('GET /healthz HTTP/1.1\r\nHost: pharos\r\n');
      const trickle = setInterval(() => !socket.destroyed && socket.write('X-Slow: 1\r\n'), 100);
      const received = await closed;
      clearInterval(trickle);
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('closes a connection whose body trickles in (408) without handing the request to a route', async () => {
      const { socket, closed } = connect();
      socket.write(`POST /api/node/metrics HTTP/1.1\r\nHost: pharos\r\nX-Node-Secret: ${nodeSecret}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
      const trickle = setInterval(() => !socket.destroyed && socket.write(' '), 100);
      const received = await closed;
      clearInterval(trickle);
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('spares a release upload that takes longer than the request timeout (admin, size-capped, streamed)', async () => {
      const body = randomBytes(64 * 1024);
      const { socket, closed } = connect();
      socket.write(
        `POST /api/v1/releases?version=9.9.9&os=linux&arch=x86_64 HTTP/1.1\r\nHost: pharos\r\nAuthorization: Bearer ${admin}\r\n` +
          `Content-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      );
      // Eight pieces 500 ms apart: past the 3 s a request's body may take on other routes.
      for (let i = 0; i < 8; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        socket.write(body.subarray((i * body.length) / 8, ((i + 1) * body.length) / 8));
      }
      expect(await closed).toMatch(/^HTTP\/1\.1 201 /);
    });

    it('closes a kept-alive connection that sends no second request', async () => {
      const { socket, closed } = connect();
      socket.write('GET /healthz HTTP/1.1\r\nHost: pharos\r\n\r\n');
      const received = await closed;
      expect(received).toMatch(/^HTTP\/1\.1 200 /);
      expect(received).not.toMatch(/408/);
    });

    it('closes connections past the per-address cap at once, before reading anything', async () => {
      const sockets = Array.from({ length: 45 }, () => connect());
      const received = await Promise.all(sockets.map((s) => s.closed));
      const refused = received.filter((r) => r === '');
      const timedOut = received.filter((r) => /^HTTP\/1\.1 408 /.test(r));
      // Connections kept alive by earlier tests' clients may hold a few of the 40 places.
      expect(refused.length).toBeGreaterThanOrEqual(5);
      expect(timedOut.length).toBeLessThanOrEqual(40);
      expect(refused.length + timedOut.length).toBe(45);
      // The address is served again once its connections are gone.
      expect((await pharos.request('/healthz')).status).toBe(200);
    });
  });

  describe('WebSocket frames', () => {
    function openRaw(path: string): Promise<WebSocket> {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(`${pharos.wsUrl}${path}`);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    }
    const closeOf = (ws: WebSocket) =>
      new Promise<number>((resolve) => {
        ws.on('error', () => undefined);
        if (ws.readyState === ws.CLOSED) resolve(1006);
        ws.once('close', (code) => resolve(code));
      });

    it('closes an unauthenticated socket that floods pings, whatever its kind', async () => {
      for (const path of [AGENT_WS_PATH, FRONTEND_METRICS_WS_PATH.replace(':serverId', '00000000-0000-4000-8000-000000000000')]) {
        const ws = await openRaw(path);
        const closed = closeOf(ws);
        for (let i = 0; i < 500 && ws.readyState === ws.OPEN; i++) ws.ping();
        await closed;
        expect(ws.readyState).toBe(ws.CLOSED);
      }
    });

    it("counts an authenticated agent's pongs against its message cap", async () => {
      const { apiKey } = await enrolAgentServer(pharos, admin, 'pong-flooder');
      const ws = await openRaw(AGENT_WS_PATH);
      const hello = new Promise<any>((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
      ws.send(JSON.stringify({ type: 'auth', api_key: apiKey }));
      expect(await hello).toMatchObject({ type: 'auth_success' });
      const closed = closeOf(ws);
      for (let i = 0; i < 500 && ws.readyState === ws.OPEN; i++) ws.pong();
      expect(await closed).toBe(AgentCloseCode.TooManyMessages);
    });

    it('cuts a browser socket that does not read, and the server does not grow with it', async () => {
      const server = await pharos.request('/api/v1/servers', { token: admin, body: { name: 'watched' } });
      const live = await openLiveSocket(pharos.wsUrl, 'metrics', server.body.id, admin);
      const ws = live.ws;
      const raw = (ws as unknown as { _socket: net.Socket })._socket;
      raw.pause(); // reads nothing more: every pong Pharos sends queues up
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      const payload = Buffer.alloc(125, 1);
      let sent = 0;
      // Pings with the largest payload a control frame may carry: each is answered with as much.
      await new Promise<void>((resolve) => {
        const flood = () => {
          for (let i = 0; i < 2000 && ws.readyState === ws.OPEN && !raw.destroyed; i++, sent++) ws.ping(payload);
          if (ws.readyState !== ws.OPEN || raw.destroyed || sent >= 400_000) resolve();
          else setImmediate(flood);
        };
        flood();
      });
      raw.resume();
      await closeOf(ws);
      expect(sent).toBeLessThan(400_000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
      // The server is fine: other clients are served.
      expect((await pharos.request('/healthz')).status).toBe(200);
    });
  });
});
