import { PrismaService } from '@pharos/database';
import { FrontendCloseCode } from '@pharos/protocol';
import { enrolAgentServer } from './support/fake-agent';
import { openLiveSocket } from './support/live-socket';
import { startPharos, TEST_ADMIN_PASSWORD, type RunningPharos } from './support/pharos-test-app';

interface Device {
  accessToken: string;
  refreshToken: string;
}

describe('sessions: every signed-in device', () => {
  let pharos: RunningPharos;
  let prisma: PrismaService;

  beforeAll(async () => {
    pharos = await startPharos();
    prisma = pharos.app.get(PrismaService);
  });
  afterAll(() => pharos.close());

  const signIn = async (userAgent: string, username = 'admin', password = TEST_ADMIN_PASSWORD): Promise<Device> => {
    const res = await pharos.request('/api/v1/auth/login', { body: { username, password }, headers: { 'user-agent': userAgent } });
    expect(res.status).toBe(200);
    return res.body;
  };
  const refresh = (device: Device) => pharos.request('/api/v1/auth/refresh', { body: { refreshToken: device.refreshToken }, headers: { 'user-agent': 'refreshed' } });
  const sessionsOf = async (device: Device) => {
    const res = await pharos.request('/api/v1/sessions', { token: device.accessToken });
    expect(res.status).toBe(200);
    return res.body.items as { id: string; userAgent: string; ip: string; current: boolean; createdAt: string; lastUsedAt: string }[];
  };

  it('lists the sessions with user agent and address, the current one marked, a refresh moving its last use', async () => {
    const laptop = await signIn('Laptop Firefox');
    const phone = await signIn('Phone Safari');
    const listed = await sessionsOf(laptop);
    const mine = listed.filter((s) => ['Laptop Firefox', 'Phone Safari'].includes(s.userAgent));
    expect(mine).toHaveLength(2);
    expect(mine.find((s) => s.current)?.userAgent).toBe('Laptop Firefox');
    expect(mine.find((s) => !s.current)).toMatchObject({ userAgent: 'Phone Safari', ip: expect.stringMatching(/127\.0\.0\.1|::1/) });

    const phoneId = mine.find((s) => s.userAgent === 'Phone Safari')!.id;
    const rotated = await refresh(phone);
    expect(rotated.status).toBe(200);
    const after = (await sessionsOf(rotated.body)).find((s) => s.id === phoneId)!;
    expect(after).toMatchObject({ userAgent: 'refreshed', current: true });
    expect(Date.parse(after.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(after.createdAt));
    // The refreshed session is the same session, not a second one.
    expect((await sessionsOf(laptop)).filter((s) => s.id === phoneId)).toHaveLength(1);
  });

  it('ends one session now: its access token is 401 at once, its refresh refused, its sockets closed; another keeps working', async () => {
    const admin = await signIn('setup');
    const { serverId } = await enrolAgentServer(pharos, admin.accessToken, 'sessions-live');
    const keeper = await signIn('Keeper');
    const victim = await signIn('Victim');
    const socket = await openLiveSocket(pharos.wsUrl, 'metrics', serverId, victim.accessToken);
    const keeperSocket = await openLiveSocket(pharos.wsUrl, 'metrics', serverId, keeper.accessToken);
    expect((await pharos.request('/api/v1/auth/me', { token: victim.accessToken })).status).toBe(200);

    const victimId = (await sessionsOf(victim)).find((s) => s.current)!.id;
    const ended = await pharos.request(`/api/v1/sessions/${victimId}`, { token: keeper.accessToken, method: 'DELETE' });
    expect(ended.status).toBe(204);

    const me = await pharos.request('/api/v1/auth/me', { token: victim.accessToken });
    expect(me.status).toBe(401);
    expect(me.body.message).toBe('access token revoked: its session was ended; sign in again');
    const refused = await refresh(victim);
    expect(refused.status).toBe(401);
    expect((await socket.closed).code).toBe(FrontendCloseCode.Unauthorized);

    expect((await pharos.request('/api/v1/auth/me', { token: keeper.accessToken })).status).toBe(200);
    expect((await refresh(keeper)).status).toBe(200);
    expect(keeperSocket.ws.readyState).toBe(keeperSocket.ws.OPEN);
    keeperSocket.close();
    expect((await sessionsOf(admin)).some((s) => s.id === victimId)).toBe(false);
    expect(await prisma.auditEntry.count({ where: { action: 'session.end' } })).toBeGreaterThanOrEqual(1);

    // Ending it again, or one that is not there, is a 404.
    expect((await pharos.request(`/api/v1/sessions/${victimId}`, { token: admin.accessToken, method: 'DELETE' })).status).toBe(404);
    expect((await pharos.request('/api/v1/sessions/nope', { token: admin.accessToken, method: 'DELETE' })).status).toBe(404);
  });

  it('ends every other session and keeps the one asking', async () => {
    const here = await signIn('Here');
    const others = [await signIn('Other 1'), await signIn('Other 2')];
    const res = await pharos.request('/api/v1/sessions', { token: here.accessToken, method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body.ended).toBeGreaterThanOrEqual(2);
    for (const other of others) expect((await pharos.request('/api/v1/auth/me', { token: other.accessToken })).status).toBe(401);
    const left = await sessionsOf(here);
    expect(left).toEqual([expect.objectContaining({ userAgent: 'Here', current: true })]);
  });

  it('lets admins see and end another user\'s sessions, and no one else', async () => {
    const admin = await signIn('Admin desk');
    await pharos.request('/api/v1/users', { token: admin.accessToken, body: { username: 'sess-viewer', password: 'viewer-password', role: 'viewer' } });
    const viewer = await signIn('Viewer tablet', 'sess-viewer', 'viewer-password');
    const viewerId = (await prisma.user.findUniqueOrThrow({ where: { username: 'sess-viewer' } })).id;

    const listed = await pharos.request(`/api/v1/users/${viewerId}/sessions`, { token: admin.accessToken });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ userAgent: 'Viewer tablet', current: false })]);
    expect((await pharos.request(`/api/v1/users/${viewerId}/sessions`, { token: viewer.accessToken })).status).toBe(403);
    const adminId = (await prisma.user.findUniqueOrThrow({ where: { username: 'admin' } })).id;
    expect((await pharos.request(`/api/v1/users/${adminId}/sessions`, { token: viewer.accessToken })).status).toBe(403);

    const ended = await pharos.request(`/api/v1/users/${viewerId}/sessions/${listed.body.items[0].id}`, { token: admin.accessToken, method: 'DELETE' });
    expect(ended.status).toBe(204);
    expect((await pharos.request('/api/v1/auth/me', { token: viewer.accessToken })).status).toBe(401);
    const again = await signIn('Viewer phone', 'sess-viewer', 'viewer-password');
    const all = await pharos.request(`/api/v1/users/${viewerId}/sessions`, { token: admin.accessToken, method: 'DELETE' });
    expect(all.body).toEqual({ ended: 1 });
    expect((await pharos.request('/api/v1/auth/me', { token: again.accessToken })).status).toBe(401);
    expect((await pharos.request('/api/v1/users/00000000-0000-4000-8000-000000000000/sessions', { token: admin.accessToken })).status).toBe(404);
  });

  it('keeps API tokens when sessions end: they are revoked one by one', async () => {
    const session = await signIn('Token maker');
    const created = await pharos.request('/api/v1/api-tokens', { token: session.accessToken, body: { name: 'survivor', scopes: ['fleet:read'], expiresInDays: 1 } });
    const other = await signIn('Ender');
    await pharos.request('/api/v1/sessions', { token: other.accessToken, method: 'DELETE' });
    expect((await pharos.request('/api/v1/auth/me', { token: session.accessToken })).status).toBe(401);
    expect((await pharos.request('/api/v1/servers', { token: created.body.token })).status).toBe(200);
  });
});
