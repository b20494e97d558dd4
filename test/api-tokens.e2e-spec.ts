import { PrismaService } from '@pharos/database';
import { ApiTokenStore } from '../apps/server/src/identity/api-tokens/api-token.store';
import { eventually } from './support/eventually';
import { enrolAgentServer } from './support/fake-agent';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

describe('personal API tokens', () => {
  let pharos: RunningPharos;
  let admin: string;
  let prisma: PrismaService;

  beforeAll(async () => {
    pharos = await startPharos({ env: { RETENTION_INTERVAL_SECONDS: '0' } });
    admin = await pharos.login();
    prisma = pharos.app.get(PrismaService);
  });
  afterAll(() => pharos.close());

  const createToken = async (session: string, body: Record<string, unknown>) => {
    const res = await pharos.request('/api/v1/api-tokens', { token: session, body });
    expect(res.status).toBe(201);
    return res.body as { token: string; apiToken: { id: string; name: string; prefix: string } };
  };

  it('shows a token once; with fleet:read it reads (200) and is refused a write (403 naming the scope)', async () => {
    const created = await createToken(admin, { name: 'grafana reader', scopes: ['fleet:read'], expiresInDays: 30 });
    expect(created.token).toMatch(/^pat_[\w-]{43}$/);
    expect(created.apiToken).toMatchObject({ name: 'grafana reader', scopes: ['fleet:read'], prefix: created.token.slice(0, 12), revokedAt: null, lastUsedAt: null });
    const expiresIn = Date.parse((created.apiToken as any).expiresAt) - Date.now();
    expect(Math.abs(expiresIn - 30 * 86_400_000)).toBeLessThan(60_000);

    const listed = await pharos.request('/api/v1/api-tokens', { token: admin });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(created.token);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.apiToken.id, prefix: created.apiToken.prefix })]);
    // Only the hash is stored.
    const row = await prisma.apiToken.findUniqueOrThrow({ where: { id: created.apiToken.id } });
    expect(JSON.stringify(row)).not.toContain(created.token);

    expect((await pharos.request('/api/v1/servers', { token: created.token })).status).toBe(200);
    expect((await pharos.request('/api/v1/auth/me', { token: created.token })).body).toMatchObject({ username: 'admin' });
    const write = await pharos.request('/api/v1/servers', { token: created.token, body: { name: 'not-allowed' } });
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'this API token lacks the scope "admin"' });
    expect(await prisma.server.count({ where: { name: 'not-allowed' } })).toBe(0);

    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { action: 'api_token.create', targetId: created.apiToken.id } });
    expect(audit).toMatchObject({ actorName: 'admin', apiTokenId: null, data: { name: 'grafana reader', scopes: ['fleet:read'] } });
  });

  it('with commands:run runs a command (audited as the token) but cannot manage users', async () => {
    const { serverId } = await enrolAgentServer(pharos, admin, 'token-commands');
    const { token, apiToken } = await createToken(admin, { name: 'deploy bot', scopes: ['commands:run'], expiresInDays: 7 });

    const run = await pharos.request(`/api/v1/servers/${serverId}/commands`, { token, body: { command: 'uptime' } });
    expect(run.status).toBe(202);
    const docker = await pharos.request(`/api/v1/servers/${serverId}/docker-commands`, { token, body: { action: 'restart', containerId: 'web' } });
    expect(docker.status).toBe(202);
    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { action: 'command.run', targetId: serverId } });
    expect(audit).toMatchObject({ actorName: 'admin', apiTokenId: apiToken.id, apiTokenName: 'deploy bot' });
    const page = await pharos.request('/api/v1/audit?action=command.run', { token: admin });
    expect(page.body.items[0].actor).toEqual({ id: audit.actorId, username: 'admin', apiToken: { id: apiToken.id, name: 'deploy bot' } });

    const users = await pharos.request('/api/v1/users', { token });
    expect(users.status).toBe(403);
    expect(users.body.message).toBe('this API token lacks the scope "admin"');
    const create = await pharos.request('/api/v1/users', { token, body: { username: 'minted', password: 'minted-password' } });
    expect(create.status).toBe(403);
    expect(await prisma.user.count({ where: { username: 'minted' } })).toBe(0);
    // Reading the fleet is another scope.
    expect((await pharos.request('/api/v1/servers', { token })).status).toBe(403);
  });

  it('gives release routes releases:manage, and admin covers every scope', async () => {
    const releases = await createToken(admin, { name: 'ci releases', scopes: ['releases:manage'], expiresInDays: 1 });
    const reader = await createToken(admin, { name: 'reader', scopes: ['fleet:read'], expiresInDays: 1 });
    const everything = await createToken(admin, { name: 'admin bot', scopes: ['admin'], expiresInDays: 1 });
    const missing = '/api/v1/releases/targets/00000000-0000-4000-8000-000000000000';
    expect((await pharos.request(missing, { token: releases.token, method: 'DELETE' })).status).toBe(404);
    const refused = await pharos.request(missing, { token: reader.token, method: 'DELETE' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('this API token lacks the scope "releases:manage"');
    expect((await pharos.request(missing, { token: everything.token, method: 'DELETE' })).status).toBe(404);
    expect((await pharos.request('/api/v1/users', { token: everything.token })).status).toBe(200);
  });

  it('answers 401 for an expired, a revoked and an unknown token; revocation is audited', async () => {
    const expiring = await createToken(admin, { name: 'short', scopes: ['fleet:read'], expiresInDays: 1 });
    await prisma.apiToken.update({ where: { id: expiring.apiToken.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await pharos.request('/api/v1/servers', { token: expiring.token });
    expect(expired.status).toBe(401);
    expect(expired.body.message).toBe('API token expired');

    const revoking = await createToken(admin, { name: 'to revoke', scopes: ['fleet:read'], expiresInDays: 1 });
    expect((await pharos.request('/api/v1/servers', { token: revoking.token })).status).toBe(200);
    const revoked = await pharos.request(`/api/v1/api-tokens/${revoking.apiToken.id}`, { token: admin, method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const after = await pharos.request('/api/v1/servers', { token: revoking.token });
    expect(after.status).toBe(401);
    expect(after.body.message).toBe('API token revoked');
    expect((await pharos.request(`/api/v1/api-tokens/${revoking.apiToken.id}`, { token: admin, method: 'DELETE' })).status).toBe(404);
    expect((await pharos.request('/api/v1/api-tokens/not-a-uuid', { token: admin, method: 'DELETE' })).status).toBe(404);
    expect(await prisma.auditEntry.count({ where: { action: 'api_token.revoke', targetId: revoking.apiToken.id } })).toBe(1);

    const unknown = await pharos.request('/api/v1/servers', { token: `pat_${'A'.repeat(43)}` });
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toBe('invalid API token');
  });

  it('records the last use (time and address), at most once a minute', async () => {
    const { token, apiToken } = await createToken(admin, { name: 'poller', scopes: ['fleet:read'], expiresInDays: 1 });
    expect((await pharos.request('/api/v1/servers', { token })).status).toBe(200);
    const first = await eventually(async () => {
      const row = await prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
      expect(row.lastUsedAt).not.toBeNull();
      return row;
    });
    expect(first.lastUsedIp).toMatch(/127\.0\.0\.1|::1/);
    expect((await pharos.request('/api/v1/servers', { token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    expect(second.lastUsedAt).toEqual(first.lastUsedAt);
    const listed = await pharos.request('/api/v1/api-tokens', { token: admin });
    expect(listed.body.items.find((t: any) => t.id === apiToken.id)).toMatchObject({ lastUsedAt: first.lastUsedAt!.toISOString(), lastUsedIp: first.lastUsedIp });
  });

  it('refuses a token on the token and session routes: a leaked token mints nothing', async () => {
    const { token } = await createToken(admin, { name: 'all-powerful', scopes: ['admin'], expiresInDays: 1 });
    for (const [path, method, body] of [
      ['/api/v1/api-tokens', 'GET', undefined],
      ['/api/v1/api-tokens', 'POST', { name: 'minted', scopes: ['admin'], expiresInDays: 1 }],
      ['/api/v1/sessions', 'GET', undefined],
      ['/api/v1/sessions', 'DELETE', undefined],
      ['/api/v1/account/two-factor', 'GET', undefined],
      ['/api/v1/account/two-factor/totp/enrol', 'POST', {}],
    ] as const) {
      const res = await pharos.request(path, { token, method, body });
      expect(res.status).toBe(403);
      expect(res.body.message).toBe('this route needs a signed-in session, not an API token');
    }
    expect(await prisma.apiToken.count({ where: { name: 'minted' } })).toBe(0);
  });

  it('never gives a token more than its user: viewers read only; disabled users and password resets end tokens', async () => {
    await pharos.request('/api/v1/users', { token: admin, body: { username: 'token-viewer', password: 'viewer-password', role: 'viewer' } });
    const viewer = await pharos.login('token-viewer', 'viewer-password');
    const refused = await pharos.request('/api/v1/api-tokens', { token: viewer, body: { name: 'escalate', scopes: ['fleet:read', 'admin'], expiresInDays: 1 } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('a viewer cannot give a token the scope "admin"');
    const { token, apiToken } = await createToken(viewer, { name: 'viewer reads', scopes: ['fleet:read'], expiresInDays: 1 });
    expect((await pharos.request('/api/v1/servers', { token })).status).toBe(200);

    const userId = (await prisma.user.findUniqueOrThrow({ where: { username: 'token-viewer' } })).id;
    await pharos.request(`/api/v1/users/${userId}`, { token: admin, method: 'PATCH', body: { disabled: true } });
    expect((await pharos.request('/api/v1/servers', { token })).status).toBe(401);
    await pharos.request(`/api/v1/users/${userId}`, { token: admin, method: 'PATCH', body: { disabled: false } });
    const afterDisable = await pharos.request('/api/v1/servers', { token });
    expect(afterDisable.status).toBe(401);
    expect(afterDisable.body.message).toMatch(/^API token revoked: its user's password was reset or account disabled/);
    expect(apiToken.id).toEqual(expect.any(String));
  });

  it('refuses bad input with 400 naming the field, and changes nothing', async () => {
    const before = await prisma.apiToken.count();
    for (const [body, field] of [
      [{ name: 'x', scopes: ['fleet:read'], expiresInDays: 0 }, 'expiresInDays'],
      [{ name: 'x', scopes: ['fleet:read'], expiresInDays: 366 }, 'expiresInDays'],
      [{ name: 'x', scopes: ['fleet:read'] }, 'expiresInDays'],
      [{ name: 'x', scopes: ['root'], expiresInDays: 1 }, 'scopes'],
      [{ name: 'x', scopes: [], expiresInDays: 1 }, 'scopes'],
      [{ name: '  ', scopes: ['fleet:read'], expiresInDays: 1 }, 'name'],
    ] as const) {
      const res = await pharos.request('/api/v1/api-tokens', { token: admin, body });
      expect(res.status).toBe(400);
      expect(res.body.field).toBe(field);
    }
    expect(await prisma.apiToken.count()).toBe(before);
  });

  it('purges tokens expired or revoked before the retention cutoff', async () => {
    const old = await createToken(admin, { name: 'old', scopes: ['fleet:read'], expiresInDays: 1 });
    const live = await createToken(admin, { name: 'live', scopes: ['fleet:read'], expiresInDays: 1 });
    await prisma.apiToken.update({ where: { id: old.apiToken.id }, data: { expiresAt: new Date(Date.now() - 40 * 86_400_000) } });
    const removed = await pharos.app.get(ApiTokenStore).deleteDeadBefore(new Date(Date.now() - 30 * 86_400_000), 100);
    expect(removed).toBe(1);
    expect(await prisma.apiToken.findUnique({ where: { id: old.apiToken.id } })).toBeNull();
    expect(await prisma.apiToken.findUnique({ where: { id: live.apiToken.id } })).not.toBeNull();
  });
});
