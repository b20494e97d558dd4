import { FrontendCloseCode } from '@pharos/protocol';
import { openLiveSocket } from './support/live-socket';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

/** JWT times are whole seconds: lets a change land in a later second than a token's issue. */

describe('user administration', () => {
  let pharos: RunningPharos;
  let admin: string;
  let adminId: string;

  const createUser = async (username: string, role: 'admin' | 'viewer' = 'viewer', password = `${username}-password`) => {
    const res = await pharos.request('/api/v1/users', { token: admin, body: { username, password, role } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const patch = (id: string, body: unknown, token = admin) => pharos.request(`/api/v1/users/${id}`, { method: 'PATCH', token, body });
  const login = (username: string, password = `${username}-password`) => pharos.request('/api/v1/auth/login', { body: { username, password } });

  beforeAll(async () => {
    pharos = await startPharos();
    admin = await pharos.login();
    adminId = (await pharos.request('/api/v1/auth/me', { token: admin })).body.id;
  });
  afterAll(() => pharos.close());

  it('disables a user: their login is refused like a wrong password, their tokens and sockets stop at once', async () => {
    const id = await createUser('dora');
    const session = (await login('dora')).body;
    const server = await pharos.request('/api/v1/servers', { token: admin, body: { name: 'watched' } });
    const live = await openLiveSocket(pharos.wsUrl, 'logs', server.body.id, session.accessToken);

    const res = await patch(id, { disabled: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, username: 'dora', role: 'viewer', disabled: true });

    expect(await live.closed).toEqual({ code: FrontendCloseCode.Unauthorized, reason: 'your account was disabled' });
    const me = await pharos.request('/api/v1/auth/me', { token: session.accessToken });
    expect(me.status).toBe(401);
    expect((await pharos.request('/api/v1/servers', { token: session.accessToken })).status).toBe(401);
    expect((await pharos.request('/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);

    const refused = await login('dora');
    const wrong = await login('dora', 'not-her-password');
    expect(refused.status).toBe(401);
    const { requestId: _a, ...refusal } = refused.body;
    const { requestId: _b, ...wrongPassword } = wrong.body;
    expect(refusal).toEqual(wrongPassword);
    expect(refusal).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'invalid username or password' });

    const listed = await pharos.request('/api/v1/users', { token: admin });
    expect(listed.body.items.find((u: any) => u.id === id)).toMatchObject({ disabled: true });
  });

  it('enables a disabled user again, without reviving the tokens they had before', async () => {
    const id = await createUser('eve');
    const before = (await login('eve')).body.accessToken;
    expect((await patch(id, { disabled: true })).status).toBe(200);
    const enabled = await patch(id, { disabled: false });
    expect(enabled.status).toBe(200);
    expect(enabled.body.disabled).toBe(false);

    const me = await pharos.request('/api/v1/auth/me', { token: before });
    expect(me.status).toBe(401);
    expect(me.body.message).toBe("access token revoked: its user's password was reset or sessions ended; sign in again");
    const again = await login('eve');
    expect(again.status).toBe(200);
    expect((await pharos.request('/api/v1/auth/me', { token: again.body.accessToken })).status).toBe(200);
  });

  it('changes a role, effective on the user\'s very next request', async () => {
    const id = await createUser('rolf');
    const token = (await login('rolf')).body.accessToken;
    expect((await pharos.request('/api/v1/users', { token })).status).toBe(403);
    const server = await pharos.request('/api/v1/servers', { token: admin, body: { name: 'rolf-watches' } });
    const live = await openLiveSocket(pharos.wsUrl, 'metrics', server.body.id, token);

    const promoted = await patch(id, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('admin');
    // Open sockets reconnect, so they are authorised for the new role.
    expect(await live.closed).toEqual({ code: FrontendCloseCode.TokenExpired, reason: 'your role changed: reconnect with a fresh access token' });
    expect((await pharos.request('/api/v1/users', { token })).status).toBe(200);

    expect((await patch(id, { role: 'viewer' })).body.role).toBe('viewer');
    expect((await pharos.request('/api/v1/users', { token })).status).toBe(403);
  });

  it('keeps the last enabled admin an admin, and an admin from locking themselves out (409)', async () => {
    const alone = await patch(adminId, { role: 'viewer' });
    expect(alone.status).toBe(409);
    expect(alone.body).toMatchObject({ statusCode: 409, error: 'Conflict', message: '"admin" is the last enabled admin and cannot be demoted: make another user an admin first' });
    expect((await patch(adminId, { disabled: true })).body.message).toBe('"admin" is the last enabled admin and cannot be disabled: make another user an admin first');

    const otherId = await createUser('olga', 'admin');
    const self = await patch(adminId, { disabled: true });
    expect(self.status).toBe(409);
    expect(self.body.message).toBe('you cannot disable your own account');
    expect((await patch(adminId, { role: 'viewer' })).body.message).toBe('you cannot remove your own admin role');
    // Changes that keep the admin an enabled admin are fine.
    expect((await patch(adminId, { role: 'admin', disabled: false })).status).toBe(200);

    // Olga may be demoted by admin; then admin is the last one again.
    expect((await patch(otherId, { role: 'viewer' })).status).toBe(200);
    expect((await patch(adminId, { role: 'viewer' })).status).toBe(409);
    expect((await pharos.request('/api/v1/auth/me', { token: admin })).body).toMatchObject({ role: 'admin', disabled: false });
  });

  it('lets only one of two admins disabling each other at the same time succeed', async () => {
    const aId = await createUser('amy', 'admin');
    const bId = await createUser('bob', 'admin');
    // Disable the first admin too, so amy and bob are the only enabled admins.
    const a = (await login('amy')).body.accessToken;
    const b = (await login('bob')).body.accessToken;
    expect((await patch(adminId, { disabled: true }, a)).status).toBe(200);

    const results = await Promise.all([patch(bId, { disabled: true }, a), patch(aId, { disabled: true }, b)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const users = (await pharos.request('/api/v1/users', { token: results[0]!.status === 200 ? a : b })).body.items;
    expect(users.filter((u: any) => u.role === 'admin' && !u.disabled)).toHaveLength(1);

    // Put things back for the tests below.
    const survivor = results[0]!.status === 200 ? a : b;
    expect((await patch(adminId, { disabled: false }, survivor)).status).toBe(200);
    admin = await pharos.login();
  });

  it('resets a password: a generated one is answered once, every session of the user ends', async () => {
    const id = await createUser('paul');
    const session = (await login('paul')).body;
    const server = await pharos.request('/api/v1/servers', { token: admin, body: { name: 'paul-watches' } });
    const live = await openLiveSocket(pharos.wsUrl, 'logs', server.body.id, session.accessToken);

    const reset = await pharos.request(`/api/v1/users/${id}/password`, { token: admin, body: {} });
    expect(reset.status).toBe(200);
    expect(reset.body.user).toMatchObject({ id, username: 'paul' });
    expect(reset.body.password).toEqual(expect.any(String));
    expect(reset.body.password.length).toBeGreaterThanOrEqual(16);

    expect(await live.closed).toEqual({ code: FrontendCloseCode.Unauthorized, reason: 'your password was reset: sign in again' });
    expect((await pharos.request('/api/v1/auth/me', { token: session.accessToken })).status).toBe(401);
    expect((await pharos.request('/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })).status).toBe(401);
    expect((await login('paul')).status).toBe(401);
    expect((await login('paul', reset.body.password)).status).toBe(200);

    const chosen = await pharos.request(`/api/v1/users/${id}/password`, { token: admin, body: { password: 'chosen-by-admin' } });
    expect(chosen.status).toBe(200);
    expect(chosen.body).not.toHaveProperty('password');
    expect((await login('paul', 'chosen-by-admin')).status).toBe(200);
  });

  it('refuses bad input with 400, unknown users with 404, and viewers with 403', async () => {
    const id = await createUser('vera');
    const empty = await patch(id, {});
    expect(empty.status).toBe(400);
    expect(empty.body.message).toBe('nothing to change: give role and/or disabled');
    const role = await patch(id, { role: 'root' });
    expect(role.status).toBe(400);
    expect(role.body).toMatchObject({ field: 'role', message: 'role must be admin or viewer' });
    const disabled = await patch(id, { disabled: 'yes' });
    expect(disabled.status).toBe(400);
    expect(disabled.body.field).toBe('disabled');
    expect((await patch(id, { username: 'renamed' })).body.field).toBe('username');
    const short = await pharos.request(`/api/v1/users/${id}/password`, { token: admin, body: { password: 'short' } });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({ field: 'password', message: 'password must be at least 8 characters' });

    expect((await patch('00000000-0000-4000-8000-000000000000', { disabled: true })).status).toBe(404);
    expect((await patch('not-a-user-id', { disabled: true })).status).toBe(404);
    expect((await pharos.request('/api/v1/users/00000000-0000-4000-8000-000000000000/password', { token: admin, body: {} })).status).toBe(404);

    const viewer = (await login('vera')).body.accessToken;
    expect((await patch(id, { role: 'admin' }, viewer)).status).toBe(403);
    expect((await pharos.request(`/api/v1/users/${id}/password`, { token: viewer, body: {} })).status).toBe(403);
  });

  it('writes every change to the audit log, never a password', async () => {
    const id = await createUser('audrey');
    await patch(id, { role: 'admin' });
    await patch(id, { disabled: true });
    await pharos.request(`/api/v1/users/${id}/password`, { token: admin, body: { password: 'audited-password' } });

    const audit = await pharos.request('/api/v1/audit?action=user.', { token: admin });
    const entries = audit.body.items.filter((e: any) => e.target?.id === id).map((e: any) => ({ action: e.action, data: e.data, actor: e.actor.username }));
    expect(entries).toEqual([
      { action: 'user.password_reset', data: { username: 'audrey', generated: false }, actor: 'admin' },
      { action: 'user.update', data: { username: 'audrey', disabled: true }, actor: 'admin' },
      { action: 'user.update', data: { username: 'audrey', role: { from: 'viewer', to: 'admin' } }, actor: 'admin' },
      { action: 'user.create', data: { username: 'audrey', role: 'viewer' }, actor: 'admin' },
    ]);
    expect(JSON.stringify(audit.body)).not.toContain('audited-password');
  });
});
