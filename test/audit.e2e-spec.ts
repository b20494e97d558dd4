import { startPharos, type RunningPharos } from './support/pharos-test-app';

describe('the audit log API', () => {
  let pharos: RunningPharos;
  let token: string;

  beforeAll(async () => {
    pharos = await startPharos();
    token = await pharos.login();
  });
  afterAll(() => pharos.close());

  it('lists admin actions newest first, a page at a time, filtered by action or actor', async () => {
    for (const name of ['audit-a', 'audit-b', 'audit-c']) {
      expect((await pharos.request('/api/v1/servers', { token, body: { name } })).status).toBe(201);
    }
    const created = (await pharos.request('/api/v1/servers?search=audit-a', { token })).body.items[0];
    await pharos.request(`/api/v1/servers/${created.id}`, { method: 'PATCH', token, body: { group: 'edge' } });

    // Only the server actions: the sign-in above is audited too (`auth.sign_in`).
    const first = await pharos.request('/api/v1/audit?limit=2&action=server.', { token });
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: any) => e.action)).toEqual(['server.update', 'server.create']);
    expect(first.body.items[0]).toMatchObject({
      actor: { username: 'admin' },
      target: { type: 'server', id: created.id },
      data: { group: 'edge' },
    });
    expect(first.body.nextBefore).toBe(first.body.items[1].id);

    const second = await pharos.request(`/api/v1/audit?limit=2&action=server.&before=${first.body.nextBefore}`, { token });
    expect(second.body.items.map((e: any) => e.data.name)).toEqual(['audit-b', 'audit-a']);
    expect(second.body.nextBefore).toBeNull();

    const creates = await pharos.request('/api/v1/audit?action=server.create', { token });
    expect(creates.body.items).toHaveLength(3);
    const byPrefix = await pharos.request('/api/v1/audit?action=server.', { token });
    expect(byPrefix.body.items).toHaveLength(4);
    expect((await pharos.request('/api/v1/audit?actor=nobody', { token })).body).toEqual({ items: [], nextBefore: null });
  });

  it('is for admins only, and names a bad parameter', async () => {
    await pharos.request('/api/v1/users', { token, body: { username: 'watcher', password: 'watcher-password-1', role: 'viewer' } });
    const viewer = await pharos.login('watcher', 'watcher-password-1');
    expect((await pharos.request('/api/v1/audit', { token: viewer })).status).toBe(403);
    expect((await pharos.request('/api/v1/audit')).status).toBe(401);
    const bad = await pharos.request('/api/v1/audit?before=abc', { token });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('before');
  });
});
