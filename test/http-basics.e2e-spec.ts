import { startPharos, type RunningPharos } from './support/pharos-test-app';
import { TestSocket } from './support/test-socket';

describe('HTTP basics', () => {
  let pharos: RunningPharos;

  beforeAll(async () => {
    pharos = await startPharos({ env: { BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(() => pharos.close());

  it('answers liveness and readiness (the database is pinged)', async () => {
    expect(await pharos.request('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await pharos.request('/readyz')).toMatchObject({ status: 200, body: { status: 'ready', database: 'up' } });
  });

  it('leaves /health and /update at the root free for the Lightd remote protocol', async () => {
    // Not this routes: they must not be taken by the operational endpoints.
    expect((await pharos.request('/health')).status).not.toBe(200);
  });

  it('answers unknown routes with 404 JSON', async () => {
    const res = await pharos.request('/api/v1/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('answers malformed JSON with 400 JSON and no stack trace', async () => {
    const res = await pharos.request('/api/v1/auth/login', { rawBody: '{"username": ' });
    expect(res.status).toBe(400);
    expect(res.body.statusCode).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js/);
  });

  it('refuses a NUL character in a body, query or path parameter with 400 naming it (PostgreSQL text cannot hold one)', async () => {
    const token = await pharos.login();
    const message = (field: string) => `${field}: text must not contain NUL characters (\\u0000)`;
    expect(await pharos.request('/api/v1/auth/login', { body: { username: 'admin\u0000', password: 'x' } })).toMatchObject({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', field: 'username', message: message('username') },
    });
    expect(await pharos.request('/api/v1/servers', { token, body: { name: 'web', tags: ['ok', 'b\u0000d'] } })).toMatchObject({
      status: 400,
      body: { field: 'tags[1]', message: message('tags[1]') },
    });
    expect(await pharos.request('/api/v1/servers?search=web%00', { token })).toMatchObject({ status: 400, body: { field: 'search' } });
    expect(await pharos.request('/api/v1/servers/%00', { token })).toMatchObject({ status: 400, body: { field: 'id', message: message('id') } });
    expect((await pharos.request('/api/v1/servers', { token })).body.items).toEqual([]);
  });

  it('refuses a lone UTF-16 surrogate in a body value or key with 400 naming it (jsonb and JSON parameters cannot hold one)', async () => {
    const token = await pharos.login();
    const message = (field: string) => `${field}: text must not contain unpaired UTF-16 surrogates (\\ud800-\\udfff)`;
    expect(await pharos.request('/api/v1/servers', { token, body: { name: 'web', tags: ['ok', 'b\ud800d'] } })).toMatchObject({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', field: 'tags[1]', message: message('tags[1]') },
    });
    expect(await pharos.request('/api/v1/servers', { token, rawBody: '{"name":"web","\\uDC00":1}' })).toMatchObject({ status: 400, body: { field: '["\\udc00"]' } });
    // A pair, escaped or not, is a character like any other.
    const pair = await pharos.request('/api/v1/servers', { token, rawBody: '{"name":"web \\ud83d\\ude80","tags":["🚀"]}' });
    expect(pair).toMatchObject({ status: 201, body: { name: 'web 🚀', tags: ['🚀'] } });
    // A surrogate encoded in UTF-8 is no UTF-8: Fastify refuses it in a path, and leaves it
    // percent-encoded (plain text) in a query; neither reaches a handler as a surrogate.
    expect((await pharos.request('/api/v1/servers/%ED%A0%80', { token })).status).toBe(400);
    expect(await pharos.request('/api/v1/servers?search=%ED%A0%80', { token })).toMatchObject({ status: 200, body: { items: [] } });
    expect((await pharos.request(`/api/v1/servers/${pair.body.id}`, { token, method: 'DELETE' })).status).toBe(204);
  });

  it('answers a form-encoded body (no route takes forms) with 415 JSON, and stores nothing', async () => {
    const token = await pharos.login();
    const res = await pharos.request('/api/v1/servers', { token, rawBody: 'name=web', contentType: 'application/x-www-form-urlencoded' });
    expect(res).toMatchObject({ status: 415, body: { statusCode: 415, message: expect.any(String) } });
    expect((await pharos.request('/api/v1/servers', { token })).body.items).toEqual([]);
  });

  it('answers a body over the limit with 413', async () => {
    const res = await pharos.request('/api/v1/auth/login', { body: { username: 'a', password: 'x'.repeat(4096) } });
    expect(res.status).toBe(413);
    expect(res.body.statusCode).toBe(413);
  });

  it('gives every response a request id, keeping a sane one from the caller', async () => {
    const own = await pharos.request('/healthz', { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(own.headers.get('x-request-id')).toBe('trace-abc.123');
    const made = await pharos.request('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a WebSocket upgrade on an unknown path with 404', async () => {
    await expect(TestSocket.open(`${pharos.wsUrl}/api/v1/no-such-socket`)).rejects.toMatchObject({ status: 404 });
  });

  it('treats repeated slashes as one', async () => {
    expect((await pharos.request('//healthz')).status).toBe(200);
  });
});

describe('serving the dashboard', () => {
  let pharos: RunningPharos;
  let webDir: string;

  beforeAll(async () => {
    const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    webDir = mkdtempSync(path.join(os.tmpdir(), 'pharos-web-'));
    mkdirSync(path.join(webDir, 'assets'));
    writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Pharos</title><div id="root"></div>');
    writeFileSync(path.join(webDir, 'assets', 'app.js'), 'console.log("pharos")');
    pharos = await startPharos({ env: { PHAROS_WEB_DIR: webDir } });
  });
  afterAll(async () => {
    await pharos.close();
    (await import('node:fs')).rmSync(webDir, { recursive: true, force: true });
  });

  it('serves index.html at / and for client-side routes, and the built assets', async () => {
    for (const route of ['/', '/servers/123', '/lightd/containers/x']) {
      const res = await pharos.request(route);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.body).toContain('<title>Pharos</title>');
    }
    const asset = await pharos.request('/assets/app.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('keeps the API and protocol paths out of the app', async () => {
    const api = await pharos.request('/api/v1/nope');
    expect(api.status).toBe(404);
    expect(api.body).toMatchObject({ statusCode: 404 });
    expect((await pharos.request('/healthz')).body).toEqual({ status: 'ok' });
  });
});
