import { PrismaService } from '@pharos/database';
import { CONTAINER_CONSOLE_WS_PATH, FRONTEND_LOGS_WS_PATH, FRONTEND_METRICS_WS_PATH, FRONTEND_TERMINAL_WS_PATH, FrontendCloseCode } from '@pharos/protocol';
import { createHmac, randomUUID } from 'node:crypto';
import { startPharos, TEST_ADMIN_PASSWORD, type RunningPharos } from './support/pharos-test-app';
import { TestSocket } from './support/test-socket';

describe('admin authentication', () => {
  let pharos: RunningPharos;

  beforeAll(async () => {
    pharos = await startPharos({ env: { LOGIN_MAX_FAILURES: '5' } });
  });
  afterAll(() => pharos.close());

  it('creates the first admin on an empty database, with the configured password', async () => {
    const res = await pharos.request('/api/v1/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { username: 'admin', role: 'admin' } });
    expect(res.body.refreshToken).toMatch(/^prt_/);
  });

  it('answers /me for a valid access token and 401 JSON without one', async () => {
    const token = await pharos.login();
    const me = await pharos.request('/api/v1/auth/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'admin', role: 'admin', disabled: false });
    expect(me.body).not.toHaveProperty('passwordHash');

    const anonymous = await pharos.request('/api/v1/auth/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });

    const forged = await pharos.request('/api/v1/auth/me', { token: `${token.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
    expect(forged.body.message).toBe('invalid access token');
  });

  it('refuses a wrong password with 401 and a body that names the bad field with 400', async () => {
    const wrong = await pharos.request('/api/v1/auth/login', { body: { username: 'nobody', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toBe('invalid username or password');

    const missing = await pharos.request('/api/v1/auth/login', { body: { username: 'admin' } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ field: 'password', message: 'password is required' });

    const extra = await pharos.request('/api/v1/auth/login', { body: { username: 'admin', password: 'x', admin: true } });
    expect(extra.status).toBe(400);
    expect(extra.body.field).toBe('admin');
  });

  it('rotates refresh tokens and revokes the whole family when a used one comes back', async () => {
    const login = await pharos.request('/api/v1/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD } });
    const first = login.body.refreshToken as string;

    const second = await pharos.request('/api/v1/auth/refresh', { body: { refreshToken: first } });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first);
    expect((await pharos.request('/api/v1/auth/me', { token: second.body.accessToken })).status).toBe(200);

    const replay = await pharos.request('/api/v1/auth/refresh', { body: { refreshToken: first } });
    expect(replay.status).toBe(401);
    // The replay revoked the successor too.
    const successor = await pharos.request('/api/v1/auth/refresh', { body: { refreshToken: second.body.refreshToken } });
    expect(successor.status).toBe(401);
  });

  it('logs out by revoking the refresh token', async () => {
    const login = await pharos.request('/api/v1/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD } });
    expect((await pharos.request('/api/v1/auth/logout', { body: { refreshToken: login.body.refreshToken } })).status).toBe(204);
    expect((await pharos.request('/api/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } })).status).toBe(401);
  });

  it('keeps a browser\'s refresh token in an httpOnly, SameSite=Strict cookie sent only to the refresh route', async () => {
    const login = await pharos.request('/api/v1/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD, refreshCookie: true } });
    expect(login.status).toBe(200);
    expect(login.body).not.toHaveProperty('refreshToken');
    expect(login.body).toMatchObject({ tokenType: 'Bearer', user: { username: 'admin' } });
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^pharos_refresh=prt_\S+; Path=\/api\/v1\/auth\/refresh; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    const first = cookie.split(';')[0]!;

    // The cookie alone refreshes, and is rotated like a body token.
    const refreshed = await pharos.request('/api/v1/auth/refresh', { body: {}, headers: { cookie: `theme=dark; ${first}` } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).not.toHaveProperty('refreshToken');
    expect((await pharos.request('/api/v1/auth/me', { token: refreshed.body.accessToken })).status).toBe(200);
    const second = refreshed.headers.get('set-cookie')!.split(';')[0]!;
    expect(second).not.toBe(first);

    // A used cookie comes back: refused, the browser told to drop it, and the family ended.
    const replay = await pharos.request('/api/v1/auth/refresh', { body: {}, headers: { cookie: first } });
    expect(replay.status).toBe(401);
    expect(replay.headers.get('set-cookie')).toMatch(/^pharos_refresh=; Path=\/api\/v1\/auth\/refresh; Max-Age=0;/);
    expect((await pharos.request('/api/v1/auth/refresh', { body: {}, headers: { cookie: second } })).status).toBe(401);

    // Neither a body token nor a cookie: 400 naming the field.
    const none = await pharos.request('/api/v1/auth/refresh', { body: {} });
    expect(none.status).toBe(400);
    expect(none.body.field).toBe('refreshToken');
  });

  it('signs a browser out by ending the cookie\'s session and dropping the cookie', async () => {
    const login = await pharos.request('/api/v1/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD, refreshCookie: true } });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const out = await pharos.request('/api/v1/auth/refresh', { method: 'DELETE', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^pharos_refresh=; .*Max-Age=0; HttpOnly; SameSite=Strict$/);
    expect((await pharos.request('/api/v1/auth/refresh', { body: {}, headers: { cookie } })).status).toBe(401);
    // Without a cookie there is nothing to end; the answer is the same.
    expect((await pharos.request('/api/v1/auth/refresh', { method: 'DELETE' })).status).toBe(204);
  });

  it('stores only a hash of refresh tokens and a scrypt hash of passwords', async () => {
    const login = await pharos.request('/api/v1/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD } });
    const prisma = pharos.app.get(PrismaService);
    const tokens = await prisma.refreshToken.findMany();
    expect(tokens.some((t) => t.tokenHash === login.body.refreshToken)).toBe(false);
    expect(tokens.every((t) => /^[0-9a-f]{64}$/.test(t.tokenHash))).toBe(true);
    const admin = await prisma.user.findUniqueOrThrow({ where: { username: 'admin' } });
    expect(admin.passwordHash).toMatch(/^scrypt\$/);
  });

  it('rate-limits failed logins per username with 429 and Retry-After', async () => {
    const users = await pharos.request('/api/v1/users', {
      token: await pharos.login(),
      body: { username: 'target', password: 'target-password' },
    });
    expect(users.status).toBe(201);
    for (let i = 0; i < 5; i++) {
      const res = await pharos.request('/api/v1/auth/login', {
        body: { username: 'target', password: `wrong-${i}` },
        headers: { 'x-forwarded-for': `10.0.0.${i}` },
      });
      expect(res.status).toBe(401);
    }
    const blocked = await pharos.request('/api/v1/auth/login', { body: { username: 'target', password: 'target-password' } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('access token lifetime, roles, and the refresh cookie behind a proxy', () => {
  let pharos: RunningPharos;

  beforeAll(async () => {
    pharos = await startPharos({ env: { ACCESS_TOKEN_TTL_SECONDS: '10', TRUST_PROXY: 'true' } });
  });
  afterAll(() => pharos.close());

  it('marks the cookie Secure when the browser came over HTTPS (as the trusted proxy says)', async () => {
    const login = (proto: string) =>
      pharos.request('/api/v1/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD, refreshCookie: true }, headers: { 'x-forwarded-proto': proto } });
    expect((await login('https')).headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
    expect((await login('http')).headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict$/);
  });

  it('stops accepting a token after a password change, also one issued in the same second', async () => {
    const admin = await pharos.login();
    await pharos.request('/api/v1/users', { token: admin, body: { username: 'changer', password: 'first-password' } });
    const { UsersService } = await import('../apps/server/src/identity/users/users.service');
    // JWT times are whole seconds: start early in a second, so that the token and the reset
    // share one (a check comparing times would let this token through).
    while (Date.now() % 1000 > 150) await new Promise((r) => setTimeout(r, 10));
    const token = await pharos.login('changer', 'first-password');
    await pharos.app.get(UsersService).setPassword('changer', 'second-password');
    const res = await pharos.request('/api/v1/auth/me', { token });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe("access token revoked: its user's password was reset or sessions ended; sign in again");
    expect((await pharos.request('/api/v1/auth/me', { token: await pharos.login('changer', 'second-password') })).status).toBe(200);
  });

  it('refuses a correctly signed token without exp on REST and on every browser socket', async () => {
    const admin = await pharos.login();
    const claims = JSON.parse(Buffer.from(admin.split('.')[1]!, 'base64url').toString());
    const { exp: _exp, ...forever } = claims;
    const unexpiring = signHs256(forever, pharos.config.jwtSecret);
    const signedAgain = signHs256({ ...forever, exp: claims.iat + 60 }, pharos.config.jwtSecret);
    // The same claims with an exp pass: only the missing exp is refused.
    expect((await pharos.request('/api/v1/auth/me', { token: signedAgain })).status).toBe(200);
    const rest = await pharos.request('/api/v1/auth/me', { token: unexpiring });
    expect(rest.status).toBe(401);
    expect(rest.body.message).toBe('invalid access token: it must carry iat and exp');

    const id = randomUUID();
    const wsPaths = [FRONTEND_METRICS_WS_PATH, FRONTEND_LOGS_WS_PATH, FRONTEND_TERMINAL_WS_PATH].map((p) => p.replace(':serverId', id));
    for (const wsPath of [...wsPaths, CONTAINER_CONSOLE_WS_PATH.replace(':containerId', id)]) {
      const socket = await TestSocket.open(`${pharos.wsUrl}${wsPath}`);
      socket.send({ type: 'auth', token: unexpiring });
      expect(await socket.next()).toMatchObject({ type: 'error', message: 'invalid access token: it must carry iat and exp' });
      expect((await socket.closed).code).toBe(FrontendCloseCode.Unauthorized);
    }
  });

  it('keeps admin-only routes from viewers', async () => {
    const admin = await pharos.login();
    const created = await pharos.request('/api/v1/users', {
      token: admin,
      body: { username: 'watcher', password: 'watcher-password', role: 'viewer' },
    });
    expect(created.status).toBe(201);
    const viewer = await pharos.login('watcher', 'watcher-password');
    const res = await pharos.request('/api/v1/users', { token: viewer });
    expect(res.status).toBe(403);
    expect((await pharos.request('/api/v1/auth/me', { token: viewer })).status).toBe(200);
  });

  it('refuses a duplicate username with 409', async () => {
    const admin = await pharos.login();
    const res = await pharos.request('/api/v1/users', { token: admin, body: { username: 'admin', password: 'whatever-pw' } });
    expect(res.status).toBe(409);
  });
});

/** A JWT signed with HS256 as jsonwebtoken would sign it, with exactly the claims given. */
function signHs256(claims: object, secret: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
