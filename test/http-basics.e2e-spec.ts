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
