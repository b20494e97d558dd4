import { PrismaService } from '@pharos/database';
import { hashSecret } from '../apps/server/src/platform/secrets/secret-token';
import { LightdEmulator } from './support/lightd-emulator';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

const API_TOKEN = 'lightd_0f1e2d3c4b5a69788796a5b4c3d2e1f0';

describe('Lightd admin API', () => {
  let pharos: RunningPharos;
  let prisma: PrismaService;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    pharos = await startPharos({ env: { PHAROS_PUBLIC_URL: 'https://pharos.example' } });
    prisma = pharos.app.get(PrismaService);
    admin = await pharos.login();
    await pharos.request('/api/v1/users', { token: admin, body: { username: 'watcher', password: 'watcher-password', role: 'viewer' } });
    viewer = await pharos.login('watcher', 'watcher-password');
  });
  afterAll(() => pharos.close());

  async function register(name: string, extra: Record<string, unknown> = {}) {
    const res = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name, apiUrl: 'http://node-7:8070/', apiToken: API_TOKEN, ...extra } });
    expect(res.status).toBe(201);
    return { ...res.body, lightd: new LightdEmulator({ url: pharos.baseUrl, token: res.body.remoteToken }) };
  }

  it('registers a daemon and shows its remote token once, with the config.json section Lightd needs', async () => {
    const res = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name: 'node-7', apiUrl: 'http://node-7:8070/', apiToken: API_TOKEN } });
    expect(res.status).toBe(201);
    const token: string = res.body.remoteToken;
    expect(token).toMatch(/^lightd_[0-9a-f]{32}$/);
    expect(res.body.lightdConfig).toEqual({ remote: { enabled: true, url: 'https://pharos.example/api/lightd', token } });
    expect(res.body.daemon).toMatchObject({
      name: 'node-7',
      apiUrl: 'http://node-7:8070',
      hasApiToken: true,
      remoteToken: { prefix: token.slice(0, 12) },
      status: 'unknown',
      containers: { total: 0 },
    });

    // Only the remote token's hash is kept, and the API token is sealed, not in clear.
    const row = await prisma.lightdDaemon.findUniqueOrThrow({ where: { id: res.body.daemon.id } });
    expect(row.remoteTokenHash).toBe(hashSecret(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.apiTokenSealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(API_TOKEN);
    // Times are ISO 8601 strings (DaemonView of @pharos/protocol, which the dashboard reads).
    expect(res.body.daemon).toMatchObject({
      remoteToken: { issuedAt: row.remoteTokenIssuedAt!.toISOString() },
      statusChangedAt: null,
      lastSeenAt: null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    });
    // Neither token is ever shown again.
    const shown = JSON.stringify([(await pharos.request(`/api/v1/lightd/daemons/${row.id}`, { token: admin })).body, (await pharos.request('/api/v1/lightd/daemons', { token: admin })).body]);
    expect(shown).not.toContain(token);
    expect(shown).not.toContain(API_TOKEN);

    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { action: 'lightd.daemon.register', targetId: row.id } });
    expect(audit).toMatchObject({ actorName: 'admin', targetType: 'lightd_daemon', data: { name: 'node-7', apiUrl: 'http://node-7:8070', apiToken: true } });
    expect(JSON.stringify(audit.data)).not.toContain(API_TOKEN);
  });

  it.each([
    ['no name', { apiUrl: 'http://n:8070' }, 'name', /^name is required/],
    ['a name of spaces only', { name: '   ', apiUrl: 'http://n:8070' }, 'name', /1-100 characters after trimming/],
    ['a name with a bidi override', { name: 'node\u202e7', apiUrl: 'http://n:8070' }, 'name', /without control or bidi-override characters/],
    ['a null name', { name: null, apiUrl: 'http://n:8070' }, 'name', /name must be/],
    ['an API URL that is not http(s)', { name: 'x', apiUrl: 'ftp://n:8070' }, 'apiUrl', /http\(s\) base URL/],
    ['an API URL that is not a URL', { name: 'x', apiUrl: 'node 7' }, 'apiUrl', /http\(s\) base URL/],
    ['an empty API token', { name: 'x', apiUrl: 'http://n:8070', apiToken: '' }, 'apiToken', /apiToken/],
    ['an unknown field', { name: 'x', apiUrl: 'http://n:8070', remoteToken: 'lightd_x' }, 'remoteToken', /remoteToken/],
  ])('refuses a registration with %s (400 naming the field), storing nothing', async (_case, body, field, message) => {
    const before = await prisma.lightdDaemon.count();
    const res = await pharos.request('/api/v1/lightd/daemons', { token: admin, body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field, message: expect.stringMatching(message) });
    expect(await prisma.lightdDaemon.count()).toBe(before);
  });

  it('refuses a second daemon with the same name (409), and viewers may read but not register (403)', async () => {
    await register('node-dup');
    const before = await prisma.lightdDaemon.count();
    const again = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name: 'node-dup', apiUrl: 'http://n:8070' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('a server named "node-dup" already exists');
    const byViewer = await pharos.request('/api/v1/lightd/daemons', { token: viewer, body: { name: 'node-v', apiUrl: 'http://n:8070' } });
    expect(byViewer.status).toBe(403);
    expect(await prisma.lightdDaemon.count()).toBe(before);
    expect((await pharos.request('/api/v1/lightd/daemons', { token: viewer })).status).toBe(200);
    expect((await pharos.request('/api/v1/lightd/daemons')).status).toBe(401);
  });

  it('lists daemons with their status and container counts, and containers across daemons by status, a page at a time', async () => {
    const alpha = await register('alpha');
    const beta = await register('beta');
    await alpha.lightd.install('a-1');
    await alpha.lightd.install('a-2');
    await alpha.lightd.fail('a-3', 'image not found');
    await beta.lightd.sendStatus('b-1', 'installing');
    await beta.lightd.sendBilling('b-2', { memory_gb: 1, cpu_vcpus: 1, storage_gb: 1, egress_gb: 0, duration_hours: 1, estimated_cost: 0, timestamp: 1 });

    const list = await pharos.request('/api/v1/lightd/daemons', { token: admin });
    const byName = Object.fromEntries(list.body.items.map((d: any) => [d.name, d]));
    expect(byName.alpha).toMatchObject({ status: 'online', containers: { total: 3, ready: 2, failed: 1, installing: 0, unknown: 0 } });
    expect(byName.beta).toMatchObject({ status: 'online', containers: { total: 2, installing: 1, unknown: 1 } });
    expect(byName.alpha.lastUpdateAt).not.toBeNull();

    const one = await pharos.request(`/api/v1/lightd/daemons/${alpha.daemon.id}`, { token: viewer });
    expect(one.body).toMatchObject({ name: 'alpha', containers: { total: 3 }, remoteConfig: null });

    const ready = await pharos.request('/api/v1/lightd/containers?status=ready', { token: viewer });
    expect(ready.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    expect(ready.body.items.map((c: any) => [c.daemon.name, c.internalId, c.status])).toEqual([
      ['alpha', 'a-1', 'ready'],
      ['alpha', 'a-2', 'ready'],
    ]);
    const failed = await pharos.request(`/api/v1/lightd/daemons/${alpha.daemon.id}/containers?status=failed`, { token: admin });
    expect(failed.body.items).toEqual([
      expect.objectContaining({ internalId: 'a-3', status: 'failed', lastError: 'failed', lastErrorData: 'image not found', daemon: expect.objectContaining({ name: 'alpha' }) }),
    ]);
    const unknown = await pharos.request('/api/v1/lightd/containers?status=unknown', { token: admin });
    expect(unknown.body.items.map((c: any) => c.internalId)).toEqual(['b-2']);

    const page2 = await pharos.request(`/api/v1/lightd/containers?daemonId=${alpha.daemon.id}&limit=2&offset=2`, { token: admin });
    expect(page2.body).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(page2.body.items.map((c: any) => c.internalId)).toEqual(['a-3']);
  });

  it.each([
    ['/api/v1/lightd/containers?status=running', 400, 'status'],
    ['/api/v1/lightd/containers?limit=0', 400, 'limit'],
    ['/api/v1/lightd/containers?limit=many', 400, 'limit'],
    ['/api/v1/lightd/containers?daemonId=node-7', 400, 'daemonId'],
    ['/api/v1/lightd/daemons/not-a-uuid', 400, 'id'],
    ['/api/v1/lightd/daemons/00000000-0000-4000-8000-000000000000', 404, undefined],
    ['/api/v1/lightd/daemons/00000000-0000-4000-8000-000000000000/containers', 404, undefined],
    ['/api/v1/lightd/containers/00000000-0000-4000-8000-000000000000', 404, undefined],
    ['/api/v1/lightd/containers/00000000-0000-4000-8000-000000000000/history', 404, undefined],
  ])('answers GET %s with %i', async (path, status, field) => {
    const res = await pharos.request(path, { token: admin });
    expect(res.status).toBe(status);
    if (field) expect(res.body.field).toBe(field);
  });

  it('shows one container and its update history newest first, a page at a time', async () => {
    const gamma = await register('gamma');
    await gamma.lightd.install('g-1');
    await gamma.lightd.fail('g-1', 'out of disk');
    await gamma.lightd.reinstall('g-1');
    const list = await pharos.request(`/api/v1/lightd/daemons/${gamma.daemon.id}/containers`, { token: admin });
    const id = list.body.items[0].id;

    const one = await pharos.request(`/api/v1/lightd/containers/${id}`, { token: viewer });
    expect(one.body).toMatchObject({ id, internalId: 'g-1', status: 'ready', lastError: 'failed', lastErrorData: 'out of disk', daemon: { id: gamma.daemon.id, name: 'gamma' } });

    // Newest first: the reinstall (ReinstallStarted, then the install job's four), the failure, the install's four.
    const first = await pharos.request(`/api/v1/lightd/containers/${id}/history?limit=4`, { token: admin });
    expect(first.body.items.map((u: any) => u.status ?? u.error)).toEqual(['installing', 'ready', 'installing', 'installing']);
    const second = await pharos.request(`/api/v1/lightd/containers/${id}/history?limit=4&before=${first.body.nextBefore}`, { token: admin });
    expect(second.body.items.map((u: any) => u.status ?? u.error)).toEqual(['installing', 'failed', 'installing', 'ready']);
    expect(second.body.items[1]).toMatchObject({ event: 'update', error: 'failed', data: 'out of disk', body: { event: 'update', server: 'g-1', error: 'failed', data: 'out of disk' } });
    const third = await pharos.request(`/api/v1/lightd/containers/${id}/history?limit=4&before=${second.body.nextBefore}`, { token: admin });
    expect(third.body.items.map((u: any) => u.status)).toEqual(['installing', 'installing']);
    expect(third.body.nextBefore).toBeNull();
    expect((await pharos.request(`/api/v1/lightd/containers/${id}/history?before=abc`, { token: admin })).body.field).toBe('before');
  });

  it('updates a daemon (audited, the API token never echoed) and deletes it with its containers', async () => {
    const delta = await register('delta');
    await delta.lightd.install('d-1');
    const patched = await pharos.request(`/api/v1/lightd/daemons/${delta.daemon.id}`, {
      method: 'PATCH',
      token: admin,
      body: { name: 'delta-2', apiUrl: 'https://delta.example:8443', apiToken: 'lightd_new' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'delta-2', apiUrl: 'https://delta.example:8443', hasApiToken: true });
    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { action: 'lightd.daemon.update', targetId: delta.daemon.id } });
    expect(audit.data).toEqual({ name: 'delta-2', apiUrl: 'https://delta.example:8443', apiToken: 'replaced' });
    expect((await pharos.request(`/api/v1/lightd/daemons/${delta.daemon.id}`, { method: 'PATCH', token: admin, body: { name: 'alpha' } })).status).toBe(409);

    expect((await pharos.request(`/api/v1/lightd/daemons/${delta.daemon.id}`, { method: 'DELETE', token: viewer })).status).toBe(403);
    expect((await pharos.request(`/api/v1/lightd/daemons/${delta.daemon.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect(await prisma.lightdContainer.count({ where: { daemonId: delta.daemon.id } })).toBe(0);
    expect(await prisma.auditEntry.count({ where: { action: 'lightd.daemon.delete', targetId: delta.daemon.id } })).toBe(1);
    // Its token no longer opens the receiver.
    expect((await delta.lightd.healthCheck()).status).toBe(401);
    expect((await pharos.request(`/api/v1/lightd/daemons/${delta.daemon.id}`, { method: 'DELETE', token: admin })).status).toBe(404);
  });

  it('audits token rotation and revocation', async () => {
    const eps = await register('epsilon');
    await pharos.request(`/api/v1/lightd/daemons/${eps.daemon.id}/remote-token`, { method: 'POST', token: admin });
    await pharos.request(`/api/v1/lightd/daemons/${eps.daemon.id}/remote-token`, { method: 'DELETE', token: admin });
    const actions = await prisma.auditEntry.findMany({ where: { targetId: eps.daemon.id }, orderBy: { id: 'asc' } });
    expect(actions.map((a) => a.action)).toEqual(['lightd.daemon.register', 'lightd.daemon.rotate_token', 'lightd.daemon.revoke_token']);
    const shown = await pharos.request(`/api/v1/lightd/daemons/${eps.daemon.id}`, { token: admin });
    expect(shown.body.remoteToken).toBeNull();
  });
});
