import { readFileSync } from 'node:fs';
import path from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { eventually } from './support/eventually';
import { enrolAgentServer, FakeAgent } from './support/fake-agent';
import { openLiveSocket } from './support/live-socket';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

const TOKEN = 'prometheus-scrape-token-for-tests';

type Scraped = Map<string, ReturnType<typeof parsePrometheusTextFormat>[number]> & { text: string };

describe('GET /metrics (Prometheus)', () => {
  it('is off by default: 404, and nothing says it exists', async () => {
    const pharos = await startPharos();
    try {
      const res = await pharos.request('/metrics');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, message: expect.stringContaining('PROMETHEUS_ENABLED') });
    } finally {
      await pharos.close();
    }
  });

  describe('with PROMETHEUS_ENABLED and a token', () => {
    let pharos: RunningPharos;
    let token: string;

    beforeAll(async () => {
      // No dashboard: its fallback would answer an unknown path 200 (counted under `/*`).
      pharos = await startPharos({ env: { PROMETHEUS_ENABLED: 'true', PROMETHEUS_TOKEN: TOKEN, PHAROS_WEB_DIR: 'none' } });
      token = await pharos.login();
    });
    afterAll(() => pharos.close());

    /** The exposition parsed by family name; `text` kept for histograms, whose labels the parser drops. */
    async function scrape(): Promise<Scraped> {
      const res = await fetch(`${pharos.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const families = parsePrometheusTextFormat(text);
      return Object.assign(new Map(families.map((f) => [f.name, f])), { text });
    }

    const sample = (families: Scraped, name: string, labels: Record<string, string>): number => {
      const found = families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
      return found ? Number(found.value) : 0;
    };

    /** Observations of a histogram's series with these labels (its `_count` line). */
    const observations = (scraped: Scraped, name: string, labels: Record<string, string>): number => {
      const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
      const line = scraped.text.split('\n').find((l) => l.startsWith(`${name}_count{`) && wanted.every((w) => l.includes(w)));
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
    };

    it('refuses a scrape without the token, or with another, in constant-time comparison (401)', async () => {
      for (const authorization of [undefined, 'Bearer wrong-token-of-some-length', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
        const res = await pharos.request('/metrics', { headers: authorization ? { authorization } : {} });
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      }
    });

    it('parses as the Prometheus text format, with process, GC, event-loop and pool metrics', async () => {
      const families = await scrape();
      for (const name of ['process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'pharos_open_sockets', 'pharos_rollup_pending_minutes', 'pharos_notification_outbox_pending']) {
        expect(families.has(name)).toBe(true);
      }
      expect(families.get('pharos_http_request_duration_seconds')?.type).toBe('HISTOGRAM');
      // The test database is PostgreSQL: its pool is exposed (the embedded database has none).
      if (pharos.config.database.kind === 'postgres') {
        expect(sample(families, 'pharos_db_pool_connections', { state: 'max' })).toBeGreaterThan(0);
        expect(sample(families, 'pharos_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
      }
    });

    it('has every metric the Grafana dashboard (docs/grafana/pharos.json) queries', async () => {
      const dashboard = JSON.parse(readFileSync(path.join(__dirname, '..', 'docs', 'grafana', 'pharos.json'), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
      const queried = new Set(
        dashboard.panels.flatMap((p) => p.targets ?? []).flatMap((t) => [...t.expr.matchAll(/\b((?:pharos|nodejs|process)_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''))),
      );
      expect(queried.size).toBeGreaterThan(10);
      const families = await scrape();
      for (const name of queried) expect([name, families.has(name)]).toEqual([name, true]);
    });

    it("counts requests under the route's pattern, never the raw URL, and the counter moves under load", async () => {
      const labels = { method: 'GET', route: '/api/v1/servers/:id', status: '404' };
      const before = sample(await scrape(), 'pharos_http_requests_total', labels);
      const N = 25;
      const ids = Array.from({ length: N }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      const answers = await Promise.all(ids.map((id) => pharos.request(`/api/v1/servers/${id}`, { token })));
      expect(answers.every((a) => a.status === 404)).toBe(true);
      // Counted once each answer has gone out (Fastify's onResponse), which may be just after the client has read it.
      const families = await eventually(async () => {
        const scraped = await scrape();
        expect(sample(scraped, 'pharos_http_requests_total', labels)).toBeGreaterThanOrEqual(before + N);
        return scraped;
      });
      expect(observations(families, 'pharos_http_request_duration_seconds', { method: 'GET', route: '/api/v1/servers/:id' })).toBeGreaterThanOrEqual(N);
      const routes = new Set(families.get('pharos_http_requests_total')!.metrics.map((m) => m.labels!.route));
      for (const id of ids) expect([...routes].some((r) => r.includes(id))).toBe(false);
      // A URL no route matches is counted as such, not by its path.
      await pharos.request('/no/such/path/12345', { token });
      await eventually(async () => expect(sample(await scrape(), 'pharos_http_requests_total', { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1));
    });

    it('moves the socket gauges when an agent and a browser connect, and the group-commit histograms when samples are stored', async () => {
      const kinds = (families: Scraped) => ({
        agents: sample(families, 'pharos_open_sockets', { kind: 'agents' }),
        browsers: sample(families, 'pharos_open_sockets', { kind: 'browsers' }),
      });
      const before = kinds(await scrape());
      const { serverId, apiKey } = await enrolAgentServer(pharos, token, 'prometheus-agent');
      const agent = await FakeAgent.connect(pharos.wsUrl, apiKey);
      const browser = await openLiveSocket(pharos.wsUrl, 'metrics', serverId, token);
      try {
        expect(kinds(await scrape())).toEqual({ agents: before.agents + 1, browsers: before.browsers + 1 });
        const batchesBefore = observations(await scrape(), 'pharos_group_commit_batch_size', { committer: 'agent_samples' });
        agent.sendMetrics();
        await eventually(async () => expect(observations(await scrape(), 'pharos_group_commit_batch_size', { committer: 'agent_samples' })).toBeGreaterThan(batchesBefore));
        const families = await scrape();
        expect(observations(families, 'pharos_group_commit_wait_seconds', { committer: 'agent_samples' })).toBeGreaterThan(batchesBefore);
        expect(observations(families, 'pharos_group_commit_write_seconds', { committer: 'agent_samples' })).toBeGreaterThan(batchesBefore);
      } finally {
        browser.close();
        agent.ws.close();
      }
      await eventually(async () => expect(kinds(await scrape())).toEqual(before));
    });
  });
});
