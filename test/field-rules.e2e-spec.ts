import { PrismaService } from '@pharos/database';
import { LIGHTD_UPDATE_DATA_MAX_LENGTH, NODE_TEXT_MAX_LENGTH } from '@pharos/protocol';
import { enrolAgentServer } from './support/fake-agent';
import { IthiltirNodeEmulator } from './support/ithiltir-node-emulator';
import { LightdEmulator } from './support/lightd-emulator';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

/**
 * The shared field rules (platform/http/field-rules.ts, docs/protocols/limits.md), route by route
 * where issue 17 found a 500 or a name it should not have stored. The fuzz suite
 * (fuzz-routes.e2e-spec.ts) tries the same classes of input on every route.
 */
describe('field rules', () => {
  let pharos: RunningPharos;
  let prisma: PrismaService;
  let token: string;
  let serverId: string;
  let userId: string;
  let ruleId: string;
  let daemonId: string;

  beforeAll(async () => {
    pharos = await startPharos();
    prisma = pharos.app.get(PrismaService);
    token = await pharos.login();
    serverId = (await enrolAgentServer(pharos, token, 'rules-server')).serverId;
    userId = (await pharos.request('/api/v1/users', { token, body: { username: 'rules-viewer', password: 'rules-password-1' } })).body.id;
    ruleId = (await pharos.request('/api/v1/alert-rules', { token, body: { name: 'rules-rule', metric: 'cpu_percent', op: 'gt', threshold: 90 } })).body.id;
    daemonId = (await pharos.request('/api/v1/lightd/daemons', { token, body: { name: 'rules-daemon', apiUrl: 'http://127.0.0.1:9' } })).body.daemon.id;
  });
  afterAll(() => pharos.close());

  /** Every stored row of the tables a PATCH can touch, to show a refusal changed none. */
  async function rows(): Promise<unknown> {
    return Promise.all([prisma.server.findMany({ orderBy: { id: 'asc' } }), prisma.user.findMany({ orderBy: { id: 'asc' } }), prisma.alertRule.findMany(), prisma.lightdDaemon.findMany()]);
  }

  it.each([
    ['servers', () => `/api/v1/servers/${serverId}`, ['name', 'tags', 'commandsEnabled']],
    ['users', () => `/api/v1/users/${userId}`, ['role', 'disabled']],
    ['alert rules', () => `/api/v1/alert-rules/${ruleId}`, ['name', 'metric', 'op', 'threshold', 'forSeconds', 'severity', 'enabled']],
    ['Lightd daemons', () => `/api/v1/lightd/daemons/${daemonId}`, ['name', 'apiUrl', 'apiToken']],
  ])('PATCH %s: null where a value is required is a 400 naming the field, and changes nothing', async (_what, url, fields) => {
    for (const field of fields as string[]) {
      const before = await rows();
      const res = await pharos.request((url as () => string)(), { token, method: 'PATCH', body: { [field]: null } });
      expect({ field, status: res.status, named: res.body.field }).toEqual({ field, status: 400, named: field });
      expect(await rows()).toEqual(before);
    }
  });

  it('takes null where it clears a value: a server leaves its group, a rule widens its scope', async () => {
    await pharos.request(`/api/v1/servers/${serverId}`, { token, method: 'PATCH', body: { group: 'g1' } });
    const cleared = await pharos.request(`/api/v1/servers/${serverId}`, { token, method: 'PATCH', body: { group: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.group).toBeNull();
    const rule = await pharos.request(`/api/v1/alert-rules/${ruleId}`, { token, method: 'PATCH', body: { group: null, serverId: null } });
    expect(rule.status).toBe(200);
  });

  it.each([
    ['/api/v1/servers?offset=99999999999999999999', 'offset'],
    ['/api/v1/servers?limit=1e400', 'limit'],
    ['/api/v1/alerts?offset=2147483648', 'offset'],
    ['/api/v1/lightd/containers?offset=-1', 'offset'],
    ['/api/v1/audit?before=9999999999999999999', 'before'],
    ['/api/v1/servers/SERVER/events?before=9223372036854775808', 'before'],
    ['/api/v1/servers/SERVER/metrics?points=99999999999999999999', 'points'],
    ['/api/v1/metrics/sparklines?servers=00000000-0000-0000-0000-000000000000&minutes=1e20', 'minutes'],
    ['/api/v1/servers/SERVER/metrics?from=0000-01-01T00:00:00Z', 'from'],
    ['/api/v1/servers/SERVER/metrics?to=9999-12-31T23:59:59Z', 'to'],
    ['/api/v1/servers/SERVER/metrics?from=1969-12-31T23:59:59Z', 'from'],
    ['/api/v1/servers/SERVER/metrics?from=%2B275760-09-13T00:00:00Z', 'from'],
  ])('GET %s: an out-of-range query value is a 400 naming the parameter', async (url, field) => {
    const res = await pharos.request(url.replace('SERVER', serverId), { token });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });

  it('answers a range from 1970 up to a year from now', async () => {
    const to = new Date(Date.now() + 300 * 86_400_000).toISOString();
    const res = await pharos.request(`/api/v1/servers/${serverId}/metrics?from=1970-01-01T00:00:00Z&to=${to}`, { token });
    expect(res.status).toBe(200);
  });

  it.each([
    ['only spaces', '   '],
    ['a bidi override', 'web\u202e1'],
    ['a bidi isolate', '\u2066web\u2069'],
    ['a right-to-left mark', 'web\u200f'],
    ['a zero-width space', 'web\u200b1'],
    ['a line break', 'web\n1'],
    ['a C1 control', 'web\u00851'],
    ['129 characters', 'x'.repeat(129)],
  ])('refuses a name with %s, for servers, nodes, daemons and alert rules, storing nothing', async (_case, name) => {
    const before = await rows();
    const answers = await Promise.all([
      pharos.request('/api/v1/servers', { token, body: { name } }),
      pharos.request('/api/v1/nodes', { token, body: { name } }),
      pharos.request('/api/v1/lightd/daemons', { token, body: { name, apiUrl: 'http://127.0.0.1:9' } }),
      pharos.request('/api/v1/alert-rules', { token, body: { name, metric: 'cpu_percent', op: 'gt', threshold: 1 } }),
      pharos.request(`/api/v1/servers/${serverId}`, { token, method: 'PATCH', body: { name } }),
    ]);
    expect(answers.map((a) => [a.status, a.body.field])).toEqual(answers.map(() => [400, 'name']));
    expect(await rows()).toEqual(before);
  });

  it('refuses groups and tags the same way, and stores names, groups and tags trimmed', async () => {
    for (const body of [{ name: 'ok', group: ' ' }, { name: 'ok', tags: ['a', '\u202e'] }, { name: 'ok', tags: ['x'.repeat(65)] }]) {
      const res = await pharos.request('/api/v1/servers', { token, body });
      expect(res.status).toBe(400);
      expect(['group', 'tags']).toContain(res.body.field);
    }
    const created = await pharos.request('/api/v1/servers', { token, body: { name: '  trimmed  ', group: ' g ', tags: [' t '] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'trimmed', group: 'g', tags: ['t'] });
  });

  describe('what machines send (docs/protocols/limits.md)', () => {
    it('keeps a 100,000-character Lightd error to 8 KiB with a marker, answered 200 (Lightd never retries)', async () => {
      const daemon = await pharos.request('/api/v1/lightd/daemons', { token, body: { name: 'rules-daemon-2', apiUrl: 'http://127.0.0.1:9' } });
      const lightd = new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: daemon.body.remoteToken });
      expect((await lightd.sendError('c-long', 'failed', 'd'.repeat(100_000))).status).toBe(200);
      const row = await prisma.lightdUpdate.findFirstOrThrow({ where: { daemonId: daemon.body.daemon.id } });
      expect(row.data!.length).toBeLessThanOrEqual(LIGHTD_UPDATE_DATA_MAX_LENGTH);
      expect(row.data).toMatch(/^d{8000}.*characters cut\]$/s);
      const container = await prisma.lightdContainer.findFirstOrThrow({ where: { daemonId: daemon.body.daemon.id } });
      expect(container.lastErrorData).toBe(row.data);
    });

    it('refuses an Ithiltir static fact past its cap with a 400 naming it, storing nothing', async () => {
      const created = await pharos.request('/api/v1/nodes', { token, body: { name: 'rules-node' } });
      const node = new IthiltirNodeEmulator({ targetUrl: `${pharos.baseUrl}/api/node/metrics`, key: created.body.secret });
      const info = node.staticInfo();
      info.system.kernel_version = 'k'.repeat(NODE_TEXT_MAX_LENGTH + 1);
      const reply = await node.postStatic(info);
      expect(reply.status).toBe(400);
      expect(reply.body.toString()).toContain('system.kernel_version');
      expect(await prisma.nodeStatic.count({ where: { serverId: created.body.node.id } })).toBe(0);
    });
  });
});
