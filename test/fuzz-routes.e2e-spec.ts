import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { PrismaService } from '@pharos/database';
import fc from 'fast-check';
import { enrolAgentServer } from './support/fake-agent';
import { LightdEmulator } from './support/lightd-emulator';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

/**
 * Every HTTP route, driven with generated bad input (issue 17): wrong types, null, huge
 * numbers, nesting up to 60 deep, text PostgreSQL cannot store, long and bidi-override
 * strings, unknown fields, bad ids in paths and bad query values — over real HTTP, with valid
 * credentials, against real PostgreSQL. Whatever comes in, the answer is never a 5xx, a refusal
 * is JSON with a message, and a refused request changes no stored row.
 *
 * `FUZZ_RUNS` (default 20) cases per route; `FUZZ_SEED` repeats a run. The route table below is
 * checked against the Nest router, so a new route without a fuzz entry fails this suite.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 17);
const COUNT_ONLY = process.env.FUZZ_COUNT === '1';

type Credential = 'admin' | 'none' | 'node' | 'lightd';

interface Fixture {
  serverId: string;
  keyId: string;
  nodeId: string;
  nodeSecret: string;
  userId: string;
  daemonId: string;
  remoteToken: string;
  containerId: string;
  ruleId: string;
  commandId: string;
  channelId: string;
}

interface RouteSpec {
  auth: Credential;
  /** A valid body, mutated one part at a time (POST/PATCH/PUT only). */
  body?: (f: Fixture) => Record<string, unknown>;
  /** Valid query values; the fuzzer also tries the shared page/range names. */
  query?: Record<string, string>;
  /** Only bad path ids: the route would destroy a fixture (DELETE, secret rotation). */
  pathOnly?: boolean;
}

/** Background work that writes on its own (sweeps, rollups, usage samples) waits past the run: a change seen is the request's. */
const QUIET_BACKGROUND = {
  LIGHTD_OFFLINE_AFTER_SECONDS: '86400',
  LIGHTD_OFFLINE_SWEEP_SECONDS: '3600',
  LIGHTD_STATUS_SETTLE_SECONDS: '0',
  LIGHTD_USAGE_SAMPLE_SECONDS: '3600',
  METRICS_ROLLUP_FLUSH_SECONDS: '3600',
  RETENTION_INTERVAL_SECONDS: '0',
  COMMAND_SWEEP_SECONDS: '3600',
  PRESENCE_FLUSH_SECONDS: '3600',
};

/** SSO on, with a provider that is never reached: the callback's own checks refuse first. */
const SSO_PROVIDER_AWAY = {
  OIDC_ISSUER: 'http://127.0.0.1:9',
  OIDC_CLIENT_ID: 'fuzz',
  OIDC_CLIENT_SECRET: 'fuzz-secret',
  OIDC_ADMIN_VALUES: 'admins',
};

const UUID_ZERO = '00000000-0000-0000-0000-000000000000';
const NODE_REPORT_SKELETON = { version: 'x', hostname: 'h' };

/** `METHOD /path/:param`, as the Nest router has it. */
const ROUTES: Record<string, RouteSpec> = {
  'GET /healthz': { auth: 'none' },
  'GET /metrics': { auth: 'none' },
  'GET /readyz': { auth: 'none' },
  'POST /api/v1/auth/login': { auth: 'none', body: () => ({ username: 'nobody-here', password: 'wrong-password' }) },
  'POST /api/v1/auth/refresh': { auth: 'none', body: () => ({ refreshToken: 'not-a-token' }) },
  'DELETE /api/v1/auth/refresh': { auth: 'none' },
  'POST /api/v1/auth/logout': { auth: 'none', body: () => ({ refreshToken: 'not-a-token' }) },
  'GET /api/v1/auth/me': { auth: 'admin' },
  'GET /api/v1/auth/providers': { auth: 'none' },
  'GET /api/v1/auth/oidc/start': { auth: 'none' },
  'GET /api/v1/auth/oidc/callback': { auth: 'none', query: { code: 'fuzz-code', state: 'fuzz-state', iss: 'http://127.0.0.1:9' } },
  'POST /api/v1/auth/login/two-factor': { auth: 'none', body: () => ({ challenge: 'not-a-challenge', code: '123456' }) },
  'POST /api/v1/auth/login/two-factor/enrol': { auth: 'none', body: () => ({ challenge: 'not-a-challenge' }) },
  'GET /api/v1/account/two-factor': { auth: 'admin' },
  'POST /api/v1/account/two-factor/totp/enrol': { auth: 'admin' },
  'POST /api/v1/account/two-factor/totp/confirm': { auth: 'admin', body: () => ({ code: '123456' }) },
  'POST /api/v1/account/two-factor/totp/disable': { auth: 'admin', body: () => ({ password: 'wrong-password', code: '123456' }) },
  'POST /api/v1/account/two-factor/recovery-codes': { auth: 'admin', body: () => ({ code: '123456' }) },
  'GET /api/v1/users/two-factor': { auth: 'admin' },
  'PATCH /api/v1/users/:id/two-factor': { auth: 'admin', body: () => ({ required: false }) },
  'DELETE /api/v1/users/:id/two-factor': { auth: 'admin', pathOnly: true },
  'GET /api/v1/users': { auth: 'admin' },
  'POST /api/v1/users': { auth: 'admin', body: () => ({ username: 'fuzz-user', password: 'fuzz-password-1', role: 'viewer' }) },
  'PATCH /api/v1/users/:id': { auth: 'admin', body: () => ({ role: 'viewer', disabled: false }) },
  'POST /api/v1/users/:id/password': { auth: 'admin', pathOnly: true },
  'GET /api/v1/users/:id/oidc-identity': { auth: 'admin' },
  'PUT /api/v1/users/:id/oidc-identity': { auth: 'admin', body: () => ({ subject: 'fuzz-subject' }) },
  'DELETE /api/v1/users/:id/oidc-identity': { auth: 'admin', pathOnly: true },
  'GET /api/v1/audit': { auth: 'admin', query: { limit: '10', action: 'server.', actor: 'admin' } },
  'GET /api/v1/api-tokens': { auth: 'admin' },
  'POST /api/v1/api-tokens': { auth: 'admin', body: () => ({ name: 'fuzz token', scopes: ['fleet:read'], expiresInDays: 30 }) },
  'DELETE /api/v1/api-tokens/:id': { auth: 'admin', pathOnly: true },
  'GET /api/v1/sessions': { auth: 'admin' },
  'DELETE /api/v1/sessions': { auth: 'admin' },
  'DELETE /api/v1/sessions/:id': { auth: 'admin', pathOnly: true },
  'GET /api/v1/users/:id/sessions': { auth: 'admin' },
  'DELETE /api/v1/users/:id/sessions': { auth: 'admin', pathOnly: true },
  'DELETE /api/v1/users/:id/sessions/:sessionId': { auth: 'admin', pathOnly: true },
  'GET /api/v1/cluster': { auth: 'admin' },
  'GET /api/v1/servers': { auth: 'admin', query: { limit: '10', offset: '0', search: 'fuzz', sort: 'name', order: 'asc' } },
  'POST /api/v1/servers': { auth: 'admin', body: () => ({ name: 'fuzz-server', group: 'g', tags: ['t'] }) },
  'GET /api/v1/servers/facets': { auth: 'admin' },
  'GET /api/v1/servers/:id': { auth: 'admin' },
  'PATCH /api/v1/servers/:id': { auth: 'admin', body: () => ({ name: 'fuzz-target', group: 'g', tags: ['t'], commandsEnabled: true }) },
  'DELETE /api/v1/servers/:id': { auth: 'admin', pathOnly: true },
  'GET /api/v1/servers/:id/events': { auth: 'admin', query: { limit: '10' } },
  'POST /api/v1/servers/:id/agent-keys': { auth: 'admin', pathOnly: true },
  'GET /api/v1/servers/:id/agent-keys': { auth: 'admin' },
  'DELETE /api/v1/servers/:id/agent-keys/:keyId': { auth: 'admin', pathOnly: true },
  'GET /api/v1/servers/:id/metrics': { auth: 'admin', query: { series: 'cpu_percent', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', points: '10', resolution: 'auto' } },
  'GET /api/v1/metrics/sparklines': { auth: 'admin', query: { servers: UUID_ZERO, minutes: '15' } },
  'POST /api/v1/servers/:id/commands': { auth: 'admin', body: () => ({ command: 'true', expiresInSeconds: 60 }) },
  'POST /api/v1/servers/:id/docker-commands': { auth: 'admin', body: () => ({ action: 'restart', containerId: 'web' }) },
  'GET /api/v1/servers/:id/commands': { auth: 'admin', query: { limit: '10', offset: '0', kind: 'shell' } },
  'GET /api/v1/commands/:commandId': { auth: 'admin' },
  'GET /api/v1/alert-rules': { auth: 'admin' },
  'POST /api/v1/alert-rules': { auth: 'admin', body: () => ({ name: 'fuzz-rule', metric: 'cpu_percent', op: 'gt', threshold: 90, forSeconds: 60, severity: 'warning' }) },
  'GET /api/v1/alert-rules/:id': { auth: 'admin' },
  'PATCH /api/v1/alert-rules/:id': { auth: 'admin', body: () => ({ name: 'fuzz-rule', threshold: 80, enabled: true, group: null }) },
  'DELETE /api/v1/alert-rules/:id': { auth: 'admin', pathOnly: true },
  'GET /api/v1/alerts': { auth: 'admin', query: { limit: '10', offset: '0', state: 'firing' } },
  'GET /api/v1/alerts/rules': { auth: 'admin' },
  'POST /api/v1/alerts/rules': { auth: 'admin', body: () => ({ name: 'fuzz-rule', metric: 'cpu_percent', op: 'gt', threshold: 90, forSeconds: 60, severity: 'warning', tag: 't', cooldownSeconds: 60, repeatSeconds: 0, notifyResolved: true, channelIds: [] }) },
  'POST /api/v1/alerts/rules/preview': { auth: 'admin', body: () => ({ kind: 'threshold', metric: 'cpu_percent', op: 'gt', threshold: 90, group: 'g' }) },
  'GET /api/v1/alerts/rules/:id': { auth: 'admin' },
  'PATCH /api/v1/alerts/rules/:id': { auth: 'admin', body: () => ({ name: 'fuzz-rule', threshold: 80, enabled: true, group: null, tag: null, cooldownSeconds: 0 }) },
  'DELETE /api/v1/alerts/rules/:id': { auth: 'admin', pathOnly: true },
  'GET /api/v1/alerts/incidents': { auth: 'admin', query: { limit: '10', offset: '0', state: 'firing', severity: 'critical' } },
  'GET /api/v1/alerts/silences': { auth: 'admin' },
  'POST /api/v1/alerts/silences': { auth: 'admin', body: () => ({ group: 'g', until: '2099-01-01T00:00:00Z', reason: 'fuzz' }) },
  'DELETE /api/v1/alerts/silences/:id': { auth: 'admin', pathOnly: true },
  'GET /api/v1/alerts/channels': { auth: 'admin' },
  'POST /api/v1/alerts/channels': { auth: 'admin', body: () => ({ name: 'fuzz-channel', url: 'https://example.invalid/hook', secret: 'fuzz-secret-0123456789', isDefault: false, enabled: false }) },
  'GET /api/v1/alerts/channels/:id': { auth: 'admin' },
  'PATCH /api/v1/alerts/channels/:id': { auth: 'admin', body: () => ({ name: 'fuzz-channel-0', url: 'ntfy://example.invalid/topic', isDefault: false, enabled: false }) },
  'DELETE /api/v1/alerts/channels/:id': { auth: 'admin', pathOnly: true },
  'POST /api/v1/alerts/channels/:id/test': { auth: 'admin', pathOnly: true },
  'POST /api/v1/nodes': { auth: 'admin', body: () => ({ name: 'fuzz-node', group: 'g', tags: ['t'] }) },
  'GET /api/v1/nodes': { auth: 'admin', query: { limit: '10', offset: '0' } },
  'GET /api/v1/nodes/:id': { auth: 'admin' },
  'GET /api/v1/nodes/:id/metrics': { auth: 'admin', query: { series: 'cpu_percent', from: '2026-01-01T00:00:00Z', points: '10' } },
  'POST /api/v1/nodes/:id/secret': { auth: 'admin', pathOnly: true },
  'DELETE /api/v1/nodes/:id/secret': { auth: 'admin', pathOnly: true },
  'DELETE /api/v1/nodes/:id': { auth: 'admin', pathOnly: true },
  'GET /api/v1/agents/install.sh': { auth: 'none' },
  'POST /api/node/identity': { auth: 'node', body: () => ({}) },
  'POST /api/node/metrics': { auth: 'node', body: () => ({ ...NODE_REPORT_SKELETON }) },
  'POST /api/node/static': { auth: 'node', body: () => ({ ...NODE_REPORT_SKELETON }) },
  'GET /deploy/:os/:file': { auth: 'node' },
  'GET /deploy/linux/install.sh': { auth: 'none' },
  'GET /deploy/macos/install.sh': { auth: 'none' },
  'GET /deploy/windows/install.ps1': { auth: 'none' },
  'POST /api/v1/releases': { auth: 'admin', query: { version: '0.3.0', os: 'linux', arch: 'amd64' } },
  'GET /api/v1/releases': { auth: 'admin' },
  'GET /api/v1/releases/targets': { auth: 'admin' },
  'POST /api/v1/releases/targets': { auth: 'admin', body: (f) => ({ version: '9.9.9', scope: 'servers', serverIds: [f.nodeId] }) },
  'DELETE /api/v1/releases/targets/:id': { auth: 'admin', pathOnly: true },
  'GET /api/v1/releases/rollouts/:version': { auth: 'admin' },
  'DELETE /api/v1/releases/:id': { auth: 'admin', pathOnly: true },
  'GET /api/v1/lightd/daemons': { auth: 'admin' },
  'POST /api/v1/lightd/daemons': { auth: 'admin', body: () => ({ name: 'fuzz-daemon', apiUrl: 'http://127.0.0.1:9', apiToken: 't' }) },
  'GET /api/v1/lightd/daemons/:id': { auth: 'admin' },
  'PATCH /api/v1/lightd/daemons/:id': { auth: 'admin', body: () => ({ name: 'fuzz-daemon-0', apiUrl: 'http://127.0.0.1:9' }) },
  'DELETE /api/v1/lightd/daemons/:id': { auth: 'admin', pathOnly: true },
  'POST /api/v1/lightd/daemons/:id/remote-token': { auth: 'admin', pathOnly: true },
  'DELETE /api/v1/lightd/daemons/:id/remote-token': { auth: 'admin', pathOnly: true },
  'GET /api/v1/lightd/containers': { auth: 'admin', query: { limit: '10', offset: '0', status: 'ready' } },
  'GET /api/v1/lightd/daemons/:id/containers': { auth: 'admin', query: { limit: '10', offset: '0' } },
  'GET /api/v1/lightd/containers/:id': { auth: 'admin' },
  'GET /api/v1/lightd/containers/:id/history': { auth: 'admin', query: { limit: '10' } },
  'GET /health': { auth: 'lightd' },
  'POST /update': { auth: 'lightd', body: () => ({ event: 'update', server: 'c-0', error: 'failed', data: 'fuzz' }) },
  'GET /config': { auth: 'lightd' },
  'POST /config': { auth: 'lightd', body: () => ({ interval: 60 }) },
  'GET /api/lightd/health': { auth: 'lightd' },
  'POST /api/lightd/update': { auth: 'lightd', body: () => ({ event: 'update', server: 'c-0', status: 'ready' }) },
  'GET /api/lightd/config': { auth: 'lightd' },
  'POST /api/lightd/config': { auth: 'lightd', body: () => ({ interval: 60 }) },
  'GET /api/openapi.json': { auth: 'none' },
  'GET /api/docs': { auth: 'none' },
  'GET /api/docs/:file': { auth: 'none' },
};

/** Every `METHOD /path` the Nest router serves. */
function routerRoutes(pharos: RunningPharos): string[] {
  const routes: string[] = [];
  for (const module of pharos.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as { prototype: Record<string, unknown> } | null;
      if (!controller) continue;
      const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[]].flat();
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        for (const prefix of prefixes)
          for (const p of [paths].flat()) routes.push(`${method} ${`/${prefix}/${p}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1')}`);
      }
    }
  }
  return routes.sort();
}

// ------------------------------------------------------------------ generated bad input

function nested(depth: number, array: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = array ? [value] : { a: value };
  return value;
}

const deep = fc.tuple(fc.integer({ min: 2, max: 60 }), fc.boolean()).map(([depth, array]) => nested(depth, array));

const badText = fc.constantFrom(
  '',
  '   ',
  '\t',
  'a\u0000b',
  'bad \ud800',
  '\udfff',
  '\u202e\u202d',
  '\u2066x\u2069',
  '\u200e',
  'line\nbreak',
  'x'.repeat(100_000),
  '0000-01-01T00:00:00Z',
  'not-a-uuid',
  '99999999999999999999',
);

/** A value of the wrong kind, or of the right kind out of range. */
const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(-1, 0, 1e20, -1e20, 2 ** 31, 2 ** 53 + 2, 1.5, Number.MAX_VALUE, -Number.MAX_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  badText,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null)), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string({ maxLength: 5 }), fc.constant(null)), { maxKeys: 3 }),
  deep,
);

/** Query values already percent-encoded: some are not UTF-8 at all, or not text. */
const badQueryValue = fc.oneof(
  fc.constantFrom(
    '99999999999999999999',
    '9999999999999999999',
    '-99999999999999999999',
    '1e400',
    '-1',
    '1.5',
    'NaN',
    'Infinity',
    '',
    '0x10',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '-271821-04-20T00:00:00Z',
    '275760-09-13T00:00:01Z',
    '2026-13-45T99:99:99Z',
    'abc',
    '%00',
    '%ED%A0%80',
    '%E2%80%AE',
    '%20%20',
    'x'.repeat(5000),
  ),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);

const badPathValue = fc.oneof(
  fc.constantFrom(
    'not-a-uuid',
    UUID_ZERO,
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    '%00',
    '%ED%A0%80',
    '%E2%80%AE',
    'x'.repeat(3000),
    '99999999999999999999',
    '-1',
    encodeURIComponent("' or 1=1 --"),
    '%2e%2e',
  ),
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: 20 }).map(encodeURIComponent),
);

const QUERY_NAMES = ['limit', 'offset', 'from', 'to', 'points', 'resolution', 'minutes', 'before', 'series', 'status', 'search', 'servers', 'entity', 'extra'];

type Mutation =
  | { kind: 'body'; body: unknown; raw?: string }
  | { kind: 'field'; field: string | null; value: unknown }
  | { kind: 'query'; name: string | null; value: string }
  | { kind: 'path'; value: string };

function mutations(spec: RouteSpec, method: string, path: string): fc.Arbitrary<Mutation> {
  const options: fc.Arbitrary<Mutation>[] = [];
  const hasParams = path.includes(':');
  if (hasParams) options.push(badPathValue.map((value) => ({ kind: 'path' as const, value })));
  if (!spec.pathOnly || !hasParams) {
    const queryNames = [...Object.keys(spec.query ?? {}), ...QUERY_NAMES];
    options.push(
      fc.record({ name: fc.option(fc.constantFrom(...queryNames), { nil: null }), value: badQueryValue }).map((q) => ({ kind: 'query' as const, ...q })),
    );
    if (method === 'POST' || method === 'PATCH' || method === 'PUT') {
      options.push(
        fc.oneof(
          fc.oneof(fc.constant(null), fc.constant([]), fc.constant('text'), fc.constant(12), deep, badValue).map((body) => ({ kind: 'body' as const, body })),
          fc.constantFrom('{', '{"a":1,}', '\u0000', '[' .repeat(70) + ']'.repeat(70), '{"a":"\\ud800"}', '{"\\u0000":1}').map((raw) => ({ kind: 'body' as const, body: undefined, raw })),
        ),
      );
      const fields = spec.body ? Object.keys(spec.body(FIXTURE_SHAPE)) : [];
      options.push(
        fc
          .record({ field: fc.option(fc.constantFrom(...(fields.length ? fields : ['extra'])), { nil: null, freq: 4 }), value: badValue })
          .map((f) => ({ kind: 'field' as const, ...f })),
      );
    }
  }
  return fc.oneof(...options);
}

/**
 * The classes of input issue 17 found answered 500, tried on every field, query parameter and
 * path id of the route before the random cases (which a small run would reach only by luck).
 */
function examples(spec: RouteSpec, method: string, path: string): [Mutation][] {
  const cases: Mutation[] = [];
  if (path.includes(':')) for (const value of ['not-a-uuid', UUID_ZERO, '%00', '%ED%A0%80', '-1', 'x'.repeat(3000)]) cases.push({ kind: 'path', value });
  if (!spec.pathOnly || !path.includes(':')) {
    for (const name of Object.keys(spec.query ?? {}))
      for (const value of ['99999999999999999999', '9999999999999999999', '-1', '0000-01-01T00:00:00Z', '%ED%A0%80', '']) cases.push({ kind: 'query', name, value });
    cases.push({ kind: 'query', name: null, value: '1' });
    if (method === 'POST' || method === 'PATCH' || method === 'PUT') {
      for (const body of [null, [], 'text', nested(60, true), nested(60, false)]) cases.push({ kind: 'body', body });
      cases.push({ kind: 'body', body: undefined, raw: '['.repeat(70) + ']'.repeat(70) });
      for (const field of [...Object.keys(spec.body?.(FIXTURE_SHAPE) ?? {}), null])
        for (const value of [null, '   ', 'a\u202eb', 'x'.repeat(100_000), 1e20, {}, nested(60, false)]) cases.push({ kind: 'field', field, value });
    }
  }
  return cases.map((m) => [m]);
}

const FIXTURE_SHAPE: Fixture = {
  serverId: UUID_ZERO,
  keyId: UUID_ZERO,
  nodeId: UUID_ZERO,
  nodeSecret: '',
  userId: UUID_ZERO,
  daemonId: UUID_ZERO,
  remoteToken: '',
  containerId: UUID_ZERO,
  ruleId: UUID_ZERO,
  commandId: UUID_ZERO,
  channelId: UUID_ZERO,
};

// ------------------------------------------------------------------ the suite

describe('every route under generated bad input', () => {
  let pharos: RunningPharos;
  let prisma: PrismaService;
  let adminToken: string;
  let fixture: Fixture;
  let tables: string[];
  const fiveHundreds: string[] = [];
  let cases = 0;

  beforeAll(async () => {
    pharos = await startPharos({ env: { ...QUIET_BACKGROUND, ...SSO_PROVIDER_AWAY } });
    prisma = pharos.app.get(PrismaService);
    adminToken = await pharos.login();
    const token = adminToken;
    const agent = await enrolAgentServer(pharos, token, 'fuzz-target');
    const node = await pharos.request('/api/v1/nodes', { token, body: { name: 'fuzz-node-0' } });
    const user = await pharos.request('/api/v1/users', { token, body: { username: 'fuzz-viewer', password: 'fuzz-password-1', role: 'viewer' } });
    const daemon = await pharos.request('/api/v1/lightd/daemons', { token, body: { name: 'fuzz-daemon-0', apiUrl: 'http://127.0.0.1:9' } });
    const lightd = new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: daemon.body.remoteToken });
    expect((await lightd.sendStatus('c-0', 'ready')).status).toBe(200);
    const containers = await pharos.request('/api/v1/lightd/containers', { token });
    const rule = await pharos.request('/api/v1/alert-rules', { token, body: { name: 'fuzz-rule-0', metric: 'cpu_percent', op: 'gt', threshold: 90 } });
    const command = await pharos.request(`/api/v1/servers/${agent.serverId}/commands`, { token, body: { command: 'true' } });
    // The built-in rules raise incidents after an accepted update (a Lightd error, a node's
    // failing disk): background writes that would land in a later case's before/after.
    for (const builtIn of (await pharos.request('/api/v1/alerts/rules', { token })).body.items.filter((r: { builtIn: boolean }) => r.builtIn)) {
      expect((await pharos.request(`/api/v1/alerts/rules/${builtIn.id}`, { method: 'PATCH', token, body: { enabled: false } })).status).toBe(200);
    }
    const channel = await pharos.request('/api/v1/alerts/channels', { token, body: { name: 'fuzz-channel-0', url: 'https://example.invalid/hook', isDefault: false, enabled: false } });
    // A fixture that failed would turn every case of its routes into a 404 that proves nothing.
    expect([node.status, user.status, daemon.status, rule.status, command.status, channel.status]).toEqual([201, 201, 201, 201, 202, 201]);
    fixture = {
      serverId: agent.serverId,
      keyId: agent.keyId,
      nodeId: node.body.node.id,
      nodeSecret: node.body.secret,
      userId: user.body.id,
      daemonId: daemon.body.daemon.id,
      remoteToken: daemon.body.remoteToken,
      containerId: containers.body.items[0].id,
      ruleId: rule.body.id,
      commandId: command.body.id,
      channelId: channel.body.id,
    };
    const rows = await prisma.$queryRawUnsafe<{ name: string }[]>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY 1`,
    );
    tables = rows.map((r) => r.name);
  });

  afterAll(async () => {
    // The figures the issue's closing note quotes.
    process.stdout.write(`fuzz: ${cases} cases over ${Object.keys(ROUTES).length} routes, ${fiveHundreds.length} answered 5xx\n${fiveHundreds.slice(0, 60).join('\n')}\n`);
    await pharos?.close();
  });

  /** One digest per table: a refused request must leave every one as it was. */
  async function snapshot(): Promise<Map<string, string>> {
    const sql = tables.map((t) => `SELECT '${t}' AS name, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS digest FROM "${t}" x`).join(' UNION ALL ');
    const rows = await prisma.$queryRawUnsafe<{ name: string; digest: string }[]>(sql);
    return new Map(rows.map((r) => [r.name, r.digest]));
  }

  function fillPath(path: string, params: Fixture, bad?: string): string {
    const valid: Record<string, string> = {
      ':id': path.includes('/users/')
        ? params.userId
        : path.includes('/alert-rules/') || path.includes('/alerts/rules/')
          ? params.ruleId
          : path.includes('/alerts/channels/')
            ? params.channelId
            : path.includes('/alerts/silences/')
              ? UUID_ZERO
          : path.includes('/nodes/')
            ? params.nodeId
            : path.includes('/lightd/daemons/')
              ? params.daemonId
              : path.includes('/lightd/containers/')
                ? params.containerId
                : path.includes('/releases/')
                  ? UUID_ZERO
                  : params.serverId,
      ':keyId': params.keyId,
      ':sessionId': UUID_ZERO,
      ':commandId': params.commandId,
      ':version': '0.3.0',
      ':os': 'linux',
      ':file': 'ithiltir-node_linux_amd64',
    };
    const names = path.match(/:\w+/g) ?? [];
    // The bad value goes to the last parameter: the one the route is about.
    return path.replace(/:\w+/g, (name) => (bad !== undefined && name === names[names.length - 1] ? bad : valid[name]!));
  }

  function headersFor(auth: Credential): Record<string, string> {
    if (auth === 'admin') return { authorization: `Bearer ${adminToken}` };
    if (auth === 'node') return { 'x-node-secret': fixture.nodeSecret };
    if (auth === 'lightd') return { authorization: `Bearer ${fixture.remoteToken}` };
    return {};
  }

  function request(route: string, spec: RouteSpec, m: Mutation): { url: string; init: RequestInit } {
    const [method, path] = route.split(' ') as [string, string];
    const query = Object.entries(spec.query ?? {}).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    if (m.kind === 'query') {
      const name = m.name ?? 'unknownParameter';
      query.splice(0, query.length, ...query.filter((q) => !q.startsWith(`${name}=`)), `${name}=${m.value}`);
    }
    const url = `${pharos.baseUrl}${fillPath(path, fixture, m.kind === 'path' ? m.value : undefined)}${query.length ? `?${query.join('&')}` : ''}`;
    const headers = headersFor(spec.auth);
    let body: string | undefined;
    if (method === 'POST' || method === 'PATCH' || method === 'PUT') {
      if (m.kind === 'body') body = m.raw ?? JSON.stringify(m.body);
      else if (m.kind === 'field') body = JSON.stringify({ ...spec.body?.(fixture), [m.field ?? 'unknownField']: m.value });
      else if (spec.body) body = JSON.stringify(spec.body(fixture));
      if (body !== undefined) headers['content-type'] = 'application/json';
    }
    // A redirect is an answer (SSO routes send the browser on): it is not followed.
    return { url, init: { method, headers, body, redirect: 'manual' } };
  }

  it('has a fuzz entry for every route the server serves, and no entry for a route it does not', () => {
    expect(Object.keys(ROUTES).sort()).toEqual(routerRoutes(pharos));
  });

  describe.each(Object.keys(ROUTES))('%s', (route) => {
    it('answers every bad input below 500, with a JSON message, and a refusal changes nothing', async () => {
      const spec = ROUTES[route]!;
      const [method, path] = route.split(' ') as [string, string];
      const known = examples(spec, method, path);
      await fc.assert(
        fc.asyncProperty(mutations(spec, method, path), async (m) => {
          cases++;
          const { url, init } = request(route, spec, m);
          const before = await snapshot();
          const res = await fetch(url, init);
          const text = await res.text();
          const described = `${route} ${JSON.stringify(m).slice(0, 300)} → ${res.status} ${text.slice(0, 200)}`;
          if (res.status >= 500) fiveHundreds.push(described);
          // FUZZ_COUNT=1 counts the 5xx of every route instead of stopping at the first one.
          if (!COUNT_ONLY) expect({ case: described, status: res.status < 500 }).toEqual({ case: described, status: true });
          else if (res.status >= 500) return;
          if (res.status < 400) return;
          expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
          const parsed = JSON.parse(text) as { message?: unknown };
          expect(typeof parsed.message).toBe('string');
          const after = await snapshot();
          const changed = tables.filter((t) => before.get(t) !== after.get(t));
          expect({ case: described, changed }).toEqual({ case: described, changed: [] });
        }),
        // fast-check counts the examples in numRuns: the random cases come on top of them.
        { numRuns: known.length + RUNS, seed: SEED + hash(route), examples: known },
      );
    });
  });
});

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}
