import { AgentCloseCode, AgentErrorText } from '@pharos/protocol';
import { AgentRefused, enrolAgentServer, FakeAgent } from './support/fake-agent';
import { IthiltirNodeEmulator } from './support/ithiltir-node-emulator';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

/**
 * Failed machine credentials are throttled per address: after CREDENTIAL_MAX_FAILURES, an
 * address gets 429 (or the agent's auth error) for credentials it has not seen succeed, while
 * the fleet members behind it that have authenticated keep working. Addresses are told apart
 * through X-Forwarded-For (TRUST_PROXY), one per test.
 */
describe('throttling failed agent keys, node secrets and Lightd tokens per address', () => {
  let pharos: RunningPharos;
  let token: string;

  beforeAll(async () => {
    pharos = await startPharos({ env: { TRUST_PROXY: 'true', CREDENTIAL_MAX_FAILURES: '3', CREDENTIAL_FAILURE_WINDOW_SECONDS: '600' } });
    token = await pharos.login();
  });
  afterAll(() => pharos.close());

  const from = (address: string) => ({ 'x-forwarded-for': address });

  async function createNode(name: string): Promise<{ id: string; secret: string }> {
    const res = await pharos.request('/api/v1/nodes', { token, body: { name } });
    expect(res.status).toBe(201);
    return { id: res.body.node.id, secret: res.body.secret };
  }

  function report(secret: string, address: string) {
    const node = new IthiltirNodeEmulator({ targetUrl: `${pharos.baseUrl}/api/node/metrics`, key: secret });
    return pharos.request('/api/node/metrics', { body: node.nextReport(), headers: { 'x-node-secret': secret, ...from(address) } });
  }

  it('node secrets: 429 with Retry-After after the failures, nodes seen to succeed keep reporting, other addresses unaffected', async () => {
    const nat = '203.0.113.10';
    const healthy = await createNode('throttle-healthy');
    const newcomer = await createNode('throttle-newcomer');
    expect((await report(healthy.secret, nat)).status).toBe(200);

    for (let i = 0; i < 3; i++) expect((await report(`pnode_wrong-${i}`, nat)).status).toBe(401);
    const refused = await report('pnode_wrong-3', nat);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/too many failed node secrets/) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(590);

    // Behind the same NAT: a node that reported before goes on; one never seen waits for the window.
    expect((await report(healthy.secret, nat)).status).toBe(200);
    expect((await report(newcomer.secret, nat)).status).toBe(429);
    // A missing header is refused as such (and costs no lookup, so it is not counted).
    expect((await pharos.request('/api/node/metrics', { body: {}, headers: from(nat) })).status).toBe(401);
    // Elsewhere, nothing changed.
    expect((await report('pnode_wrong-4', '198.51.100.10')).status).toBe(401);
    expect((await report(newcomer.secret, '198.51.100.10')).status).toBe(200);
    // Now known, the newcomer passes the throttled address too.
    expect((await report(newcomer.secret, nat)).status).toBe(200);
  });

  it('Lightd tokens: 429 with Retry-After after the failures, daemons seen to succeed keep reporting', async () => {
    const nat = '203.0.113.20';
    const register = async (name: string) => {
      const res = await pharos.request('/api/v1/lightd/daemons', { token, body: { name, apiUrl: 'http://127.0.0.1:9' } });
      expect(res.status).toBe(201);
      return res.body.remoteToken as string;
    };
    const health = (remoteToken: string, address: string) => pharos.request('/api/lightd/health', { headers: { authorization: `Bearer ${remoteToken}`, ...from(address) } });
    const update = (remoteToken: string, address: string) =>
      pharos.request('/api/lightd/update', { body: { event: 'update', server: 'c1', status: 'ready' }, headers: { authorization: `Bearer ${remoteToken}`, ...from(address) } });
    const healthy = await register('throttle-daemon-1');
    const newcomer = await register('throttle-daemon-2');
    expect((await health(healthy, nat)).status).toBe(200);

    for (let i = 0; i < 3; i++) expect((await health(`lightd_${String(i).repeat(32)}`, nat)).status).toBe(401);
    const refused = await update('lightd_ffffffffffffffffffffffffffffffff', nat);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ statusCode: 429, message: expect.stringMatching(/too many failed Lightd tokens/) });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(590);

    expect((await update(healthy, nat)).status).toBe(200);
    expect((await health(newcomer, nat)).status).toBe(429);
    expect((await health(newcomer, '198.51.100.20')).status).toBe(200);
  });

  it('agent keys: the auth error and close code at once after the failures, agents seen to succeed keep connecting', async () => {
    const nat = { headers: from('203.0.113.30') };
    const healthy = await enrolAgentServer(pharos, token, 'throttle-agent-1');
    const newcomer = await enrolAgentServer(pharos, token, 'throttle-agent-2');
    const first = await FakeAgent.connect(pharos.wsUrl, healthy.apiKey, nat);

    for (let i = 0; i < 3; i++) {
      const wrong = await FakeAgent.connect(pharos.wsUrl, `pak_wrong-${i}`, nat).catch((error: unknown) => error);
      expect((wrong as AgentRefused).reply).toEqual({ type: 'error', message: AgentErrorText.InvalidApiKey });
    }
    const refused = await FakeAgent.connect(pharos.wsUrl, 'pak_wrong-3', nat).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AgentRefused);
    expect((refused as AgentRefused).reply).toEqual({ type: 'error', message: AgentErrorText.AuthThrottled });
    expect((refused as AgentRefused).close.code).toBe(AgentCloseCode.Unauthorized);

    // The connected agent drops and comes back through the throttled address; a new one waits.
    first.close();
    await first.closed;
    const again = await FakeAgent.connect(pharos.wsUrl, healthy.apiKey, nat);
    expect(again.serverId).toBe(healthy.serverId);
    const waiting = await FakeAgent.connect(pharos.wsUrl, newcomer.apiKey, nat).catch((error: unknown) => error);
    expect((waiting as AgentRefused).reply).toEqual({ type: 'error', message: AgentErrorText.AuthThrottled });
    const elsewhere = await FakeAgent.connect(pharos.wsUrl, newcomer.apiKey, { headers: from('198.51.100.30') });
    expect(elsewhere.serverId).toBe(newcomer.serverId);
    again.close();
    elsewhere.close();
  });
});
