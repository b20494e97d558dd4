import { PrismaService, refusalCode } from '@pharos/database';
import type { AgentMetricsMessage } from '@pharos/protocol';
import type { WebSocket } from 'ws';
import { AgentSession } from '../apps/server/src/sources/agents/socket/agent-sessions';
import { AgentsService } from '../apps/server/src/sources/agents/socket/agents.service';
import { LightdRemoteService } from '../apps/server/src/sources/lightd/remote/lightd-remote.service';
import { NodeReportsService } from '../apps/server/src/sources/nodes/ingest/node-reports.service';
import { eventually } from './support/eventually';
import { enrolAgentServer, FakeAgent } from './support/fake-agent';
import { goJson, IthiltirNodeEmulator } from './support/ithiltir-node-emulator';
import { LightdEmulator } from './support/lightd-emulator';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

/**
 * One client's write must cost no other client its own (docs/security.md). Two layers: text
 * PostgreSQL cannot store is refused at the edge, naming the field, before it joins a batch
 * (tested here over real HTTP and WebSockets); and a member the database refuses all the same
 * — one the edge does not look at, or a service called below the edge — fails alone while
 * every other member of its group-committed batch is stored (`GroupCommitter.splitWhen`).
 * The members of a batch below are submitted in one turn of the event loop, so they are
 * written together.
 */
describe('a poisoned member of a batch', () => {
  let pharos: RunningPharos;
  let prisma: PrismaService;
  let token: string;

  beforeAll(async () => {
    pharos = await startPharos();
    prisma = pharos.app.get(PrismaService);
    token = await pharos.login();
  });
  afterAll(() => pharos.close());

  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const SURROGATE_REASON = 'text must not contain unpaired UTF-16 surrogates (\\ud800-\\udfff)';

  /** How each call ended: 'ok', or the HTTP status of the error it failed with. */
  async function outcomes(calls: Promise<unknown>[]): Promise<(string | number)[]> {
    return (await Promise.allSettled(calls)).map((r) => (r.status === 'fulfilled' ? 'ok' : ((r.reason as { status?: number }).status ?? String(r.reason))));
  }

  describe('Lightd updates', () => {
    async function registerDaemons(prefix: string, count: number) {
      return Promise.all(
        range(count).map(async (i) => {
          const res = await pharos.request('/api/v1/lightd/daemons', { token, body: { name: `${prefix}-${i}`, apiUrl: 'http://127.0.0.1:9' } });
          expect(res.status).toBe(201);
          const daemon = { id: res.body.daemon.id as string, name: `${prefix}-${i}`, serverId: res.body.daemon.serverId as string };
          return { daemon, lightd: new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: res.body.remoteToken }) };
        }),
      );
    }

    /** The `data` of the daemons' stored updates, in the order they were stored. */
    async function storedData(daemonIds: string[]): Promise<(string | null)[]> {
      const rows = await prisma.lightdUpdate.findMany({ where: { daemonId: { in: daemonIds } }, orderBy: { id: 'asc' } });
      return rows.map((r) => r.data);
    }

    it('fails alone (400) when the database refuses it; the 99 others of its batch are answered and stored, in arrival order', async () => {
      const daemons = await registerDaemons('poison-data', 10);
      const remote = pharos.app.get(LightdRemoteService);
      // Lightd's containers are known after a first update: the batch takes the one-statement path first.
      await Promise.all(daemons.map(({ lightd }) => lightd.sendStatus('c-0', 'installing')));
      const bodies = range(100).map((i) => ({ event: 'update', server: `c-${i % 3}`, error: 'failed', data: `update ${i}` }));
      // Below the edge, which would refuse it: `jsonb` cannot hold a lone surrogate.
      bodies[42]!.data = 'bad \ud800';
      const answers = await outcomes(bodies.map((body, i) => remote.receiveUpdate(daemons[i % 10]!.daemon, body)));
      expect(answers).toEqual(range(100).map((i) => (i === 42 ? 400 : 'ok')));
      const ids = daemons.map((d) => d.daemon.id);
      expect((await storedData(ids)).filter((d) => d?.startsWith('update'))).toEqual(range(100).filter((i) => i !== 42).map((i) => `update ${i}`));
      // Each container's error is the last of its updates that was stored.
      const c1 = await prisma.lightdContainer.findUniqueOrThrow({ where: { daemonId_internalId: { daemonId: daemons[1]!.daemon.id, internalId: 'c-1' } } });
      expect(c1.lastErrorData).toBe('update 91');
    });

    it('fails alone when it names its container with a lone surrogate (the batch writer once threw on it, failing the batch)', async () => {
      const daemons = await registerDaemons('poison-server', 4);
      const remote = pharos.app.get(LightdRemoteService);
      const bodies = range(100).map((i) => ({ event: 'update', server: `s-${i % 5}`, status: 'installing' as const }));
      bodies[57]!.server = 'c\ud800';
      const answers = await outcomes(bodies.map((body, i) => remote.receiveUpdate(daemons[i % 4]!.daemon, body)));
      expect(answers).toEqual(range(100).map((i) => (i === 57 ? 400 : 'ok')));
      const ids = daemons.map((d) => d.daemon.id);
      expect(await prisma.lightdUpdate.count({ where: { daemonId: { in: ids } } })).toBe(99);
      // Nothing of it was kept: the driver would have stored its name as U+FFFD.
      expect((await prisma.lightdContainer.findMany({ where: { daemonId: { in: ids } } })).map((c) => c.internalId).sort()).toEqual(
        [...new Set(range(20).map((i) => `${daemons[i % 4]!.daemon.id}/s-${i % 5}`))].map((k) => k.split('/')[1]).sort(),
      );
    });

    it('over HTTP: a daemon posting "data":"bad \\ud800" gets 400 naming the field; the updates nine other daemons post meanwhile are 200 and stored', async () => {
      const daemons = await registerDaemons('poison-http', 10);
      const [poisoner, ...others] = daemons;
      const sent = await Promise.all([
        ...range(10).map(() => poisoner!.lightd.sendError('c-1', 'failed', 'bad \ud800')),
        ...others.flatMap(({ lightd }) => range(10).map((i) => lightd.sendError(`c-${i % 2}`, 'failed', `update ${i}`))),
      ]);
      for (const answer of sent.slice(0, 10)) expect(answer).toMatchObject({ status: 400, body: { field: 'data', message: `data: ${SURROGATE_REASON}` } });
      expect(sent.slice(10).map((a) => a.status)).toEqual(range(90).map(() => 200));
      expect(await prisma.lightdUpdate.count({ where: { daemonId: poisoner!.daemon.id } })).toBe(0);
      expect(await prisma.lightdUpdate.count({ where: { daemonId: { in: others.map((d) => d.daemon.id) } } })).toBe(90);
    });
  });

  describe('node reports', () => {
    /** Nodes that have sent a first report (so their next ones are routine, group committed). */
    async function reportingNodes(prefix: string, count: number) {
      return Promise.all(
        range(count).map(async (i) => {
          const res = await pharos.request('/api/v1/nodes', { token, body: { name: `${prefix}-${i}` } });
          expect(res.status).toBe(201);
          const node = new IthiltirNodeEmulator({ targetUrl: `${pharos.baseUrl}/api/node/metrics`, key: res.body.secret });
          expect((await node.report()).status).toBe(200);
          return { serverId: res.body.node.id as string, node };
        }),
      );
    }
    const samples = (serverIds: string[]) => prisma.metricSample.count({ where: { serverId: { in: serverIds } } });

    /**
     * Deletes a server as another Pharos instance would: this one is not told. The cascade may
     * deadlock with this one's writes of the first reports (their rollups), and is then tried
     * again, as a client of PostgreSQL does.
     */
    async function deleteElsewhere(serverId: string): Promise<void> {
      for (let attempt = 1; ; attempt++) {
        try {
          await prisma.$executeRawUnsafe('DELETE FROM "Server" WHERE "id" = $1::uuid', serverId);
          return;
        } catch (error) {
          if (refusalCode(error) !== '40P01' || attempt >= 5) throw error;
        }
      }
    }

    it('fails alone (400) when the database refuses it; the 99 others of its batch are answered and stored', async () => {
      const nodes = await reportingNodes('poison-node', 100);
      const reports = pharos.app.get(NodeReportsService);
      const bodies = nodes.map(({ node }) => JSON.parse(goJson(node.nextReport())));
      // Below the edge, which would refuse it: the disk names key a `jsonb` series.
      bodies[42].metrics.disk.physical[0].name = 'sd\ud800';
      const answers = await outcomes(nodes.map(({ serverId }, i) => reports.storeReport({ serverId, secretId: '', group: null }, bodies[i])));
      expect(answers).toEqual(range(100).map((i) => (i === 42 ? 400 : 'ok')));
      const ids = nodes.map((n) => n.serverId);
      expect(await samples(ids)).toBe(100 + 99);
      expect(await samples([ids[42]!])).toBe(1);
    });

    it('over HTTP: a node deleted meanwhile (by another Pharos) gets 401; the reports of 99 others sent with it are 200 and stored', async () => {
      const nodes = await reportingNodes('poison-deleted', 100);
      // Deleted in the database only: this process still knows the node and its secret.
      await deleteElsewhere(nodes[42]!.serverId);
      const answers = await Promise.all(nodes.map(({ node }) => node.report()));
      expect(answers.map((a) => a.status)).toEqual(range(100).map((i) => (i === 42 ? 401 : 200)));
      // Two of each other node's; none of the deleted one's (its first went with it).
      expect(await samples(nodes.map((n) => n.serverId))).toBe(99 * 2);
    });

    it('over HTTP: a report holding a lone surrogate gets 400 naming the field; the reports 19 others send meanwhile are 200 and stored', async () => {
      const nodes = await reportingNodes('poison-edge', 20);
      const poisoned = nodes[0]!.node.nextReport();
      (poisoned.metrics.disk.physical[1] as { name: string }).name = 'sd\udc00b';
      const answers = await Promise.all([nodes[0]!.node.report(poisoned), ...nodes.slice(1).map(({ node }) => node.report())]);
      expect(answers[0]!.status).toBe(400);
      expect(JSON.parse(answers[0]!.text)).toMatchObject({ field: 'metrics.disk.physical[1].name', message: `metrics.disk.physical[1].name: ${SURROGATE_REASON}` });
      expect(answers.slice(1).map((a) => a.status)).toEqual(range(19).map(() => 200));
      expect(await samples([nodes[0]!.serverId])).toBe(1);
      expect(await samples(nodes.slice(1).map((n) => n.serverId))).toBe(19 * 2);
    });
  });

  describe('agent samples', () => {
    const metrics = (serverId: string, at: Date, mountpoint = '/'): AgentMetricsMessage => ({
      type: 'metrics',
      server_id: serverId,
      cpu_percent: 12,
      memory_percent: 34,
      disk_usage: [{ mountpoint, percent: 40 }],
      network: [{ interface: 'eth0', rx_bytes_per_sec: 10, tx_bytes_per_sec: 20 }],
      timestamp: at.toISOString(),
    });

    it('fail alone when the database refuses them; the other 98 of their batch are stored', async () => {
      const servers = await Promise.all(range(100).map(async (i) => (await pharos.request('/api/v1/servers', { token, body: { name: `poison-agent-${i}` } })).body.id as string));
      const agents = pharos.app.get(AgentsService);
      const socket = { readyState: 3, OPEN: 1 } as unknown as WebSocket;
      const now = Date.now();
      // Every other sample from two days ago (an agent catching up): those fold into their
      // rollups in a second statement, so the batch is a Prisma transaction of two.
      const at = (i: number) => new Date(i % 2 ? now - 2 * 86_400_000 - i * 1000 : now - i);
      const messages = servers.map((id, i) => metrics(id, at(i), i === 17 || i === 42 ? '/mnt/\ud800' : '/'));
      const stored = await Promise.all(servers.map((id, i) => agents.metricsReceived(new AgentSession(id, 'key', 'pak_test', socket, undefined), messages[i]!)));
      expect(stored).toEqual(range(100).map((i) => i !== 17 && i !== 42));
      expect(await prisma.metricSample.count({ where: { serverId: { in: servers } } })).toBe(98);
      expect(await prisma.metricSample.count({ where: { serverId: { in: [servers[17]!, servers[42]!] } } })).toBe(0);
    });

    it('over the socket: an agent sending a mount point with a lone surrogate gets the protocol error and stays; 19 others sending meanwhile are stored', async () => {
      const enrolled = await Promise.all(range(20).map((i) => enrolAgentServer(pharos, token, `poison-ws-${i}`)));
      const connected = await Promise.all(enrolled.map(({ apiKey }) => FakeAgent.connect(pharos.wsUrl, apiKey)));
      const [poisoner, ...others] = connected;
      poisoner!.sendMetrics({ disk_usage: [{ mountpoint: '/mnt/\ud800', percent: 10 }] });
      for (const agent of others) agent.sendMetrics();
      poisoner!.sendMetrics({ network: [{ 'eth\udc000': 1 }] });
      expect(await poisoner!.next()).toEqual({ type: 'error', message: 'Invalid message format' });
      expect(await poisoner!.next()).toEqual({ type: 'error', message: 'Invalid message format' });
      const othersIds = enrolled.slice(1).map((e) => e.serverId);
      await eventually(async () => expect(await prisma.metricSample.count({ where: { serverId: { in: othersIds } } })).toBe(19));
      expect(await prisma.metricSample.count({ where: { serverId: enrolled[0]!.serverId } })).toBe(0);
      poisoner!.sendMetrics();
      await eventually(async () => expect(await prisma.metricSample.count({ where: { serverId: enrolled[0]!.serverId } })).toBe(1));
      for (const agent of connected) agent.close();
    });
  });
});
