import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describeWithBrowser, launchBrowser, PageProblems, screenshot } from './support/dashboard-browser';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

/**
 * The OpenAPI document (`GET /api/openapi.json`, built from Nest's routes and the schemas the
 * server validates with) is valid OpenAPI 3.1, names every route the running server has and no
 * other, and agrees with what each JSON body route accepts: a body built from the document's
 * own schema is not refused (400), and the same body without one required field, or with one
 * field of a type the schema refuses, is. `GET /api/docs` renders it with Swagger UI, served here.
 */

type Schema = Record<string, any>;
type Operation = { requestBody?: { content: Record<string, { schema: Schema }> }; security: Record<string, string[]>[]; parameters?: Schema[] };

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/**
 * What a body must hold beyond its schema, each for a reason the schema cannot state: a row
 * that must exist, one field out of several, a value checked against a list kept elsewhere.
 * Everything else in each body comes from the document.
 */
const BEYOND_THE_SCHEMA: Record<string, (f: Fixture) => Record<string, unknown>> = {
  // The refresh cookie can stand in for the field (the dashboard), so the body marks it optional.
  'POST /api/v1/auth/refresh': () => ({ refreshToken: 'not-a-token' }),
  // A change must change something ("nothing to change" otherwise).
  'PATCH /api/v1/users/{id}': () => ({ role: 'viewer' }),
  // A threshold's metric is one of the live series (metric-series.ts); the schema says its form.
  'POST /api/v1/alert-rules': () => ({ metric: 'cpu_percent' }),
  'POST /api/v1/alerts/rules': () => ({ metric: 'cpu_percent' }),
  'POST /api/v1/alerts/rules/preview': () => ({ metric: 'cpu_percent' }),
  // A silence names a server, a group or a rule: one of three optional fields.
  'POST /api/v1/alerts/silences': () => ({ group: 'g' }),
  // A channel's URL is one of the providers' (https://, slack://, …), parsed by its provider.
  'POST /api/v1/alerts/channels': () => ({ url: 'https://example.invalid/hook' }),
  // A target aims a version that was uploaded.
  'POST /api/v1/releases/targets': (f) => ({ version: f.releaseVersion }),
};

interface Fixture {
  adminToken: string;
  nodeSecret: string;
  remoteToken: string;
  releaseVersion: string;
}

const ajv = new Ajv2020({ strict: false, allErrors: false });
addFormats(ajv);

/** Whether `value` matches `schema` (its `$ref`s resolved in `doc`). */
function matches(doc: Schema, schema: Schema, value: unknown): boolean {
  return ajv.validate({ ...schema, $defs: undefined, components: doc.components }, value) as boolean;
}

function resolve(doc: Schema, schema: Schema): Schema {
  if (typeof schema.$ref !== 'string') return schema;
  return resolve(doc, schema.$ref.slice(2).split('/').reduce((node: Schema, key: string) => node[key], doc));
}

/** Text that fits most string rules: tried in order before a string made from the pattern. */
const TEXT_CANDIDATES = () => ['example', 'a', 'amd64', '0.1.0', new Date().toISOString(), randomUUID(), 'http://127.0.0.1:9', '1', 'ab'];

/** The plainest value `schema` accepts: required properties only, the first of each choice. */
function plainValue(doc: Schema, given: Schema): unknown {
  const schema = resolve(doc, given);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const choices = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (choices) return plainValue(doc, choices.find((c) => resolve(doc, c).type !== 'null') ?? choices[0]!);
  const type = [schema.type].flat().find((t) => t !== 'null') ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case 'object':
      return Object.fromEntries(((schema.required ?? []) as string[]).map((name) => [name, plainValue(doc, schema.properties[name])]));
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => plainValue(doc, schema.items ?? {}));
    case 'integer':
    case 'number':
      return Math.min(Math.max(0, schema.minimum ?? 0, (schema.exclusiveMinimum ?? -1) + 1), schema.maximum ?? Infinity);
    case 'boolean':
      return false;
    case 'string':
      return plainText(doc, schema);
    default:
      return {};
  }
}

function plainText(doc: Schema, schema: Schema): string {
  // A time a range or an expiry accepts: in the future, within a year.
  if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
  const candidates = [...TEXT_CANDIDATES(), 'x'.repeat(schema.minLength ?? 1)];
  const text = candidates.find((candidate) => matches(doc, schema, candidate)) ?? fromPattern(doc, schema);
  if (text === undefined) throw new Error(`no text for ${JSON.stringify(schema)}`);
  return text;
}

function fromPattern(doc: Schema, schema: Schema): string | undefined {
  if (!schema.pattern) return undefined;
  return fc.sample(fc.stringMatching(new RegExp(schema.pattern, 'u')), { seed: 23, numRuns: 100 }).find((text) => matches(doc, schema, text));
}

/** A value of another type than the property's schema takes. */
function wrongValue(doc: Schema, schema: Schema): unknown {
  return [12345, 'not-this-type', true, [], { wrong: 1 }, null].find((value) => !matches(doc, schema, value));
}

/**
 * @seriousme/openapi-schema-validator's verdict on `doc`. The package is an ES module reading
 * its schemas through `import.meta`, which the tests' CommonJS transform cannot load: its own
 * command line runs it.
 */
async function validateOpenApi(doc: Schema): Promise<unknown> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pharos-openapi-'));
  try {
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const cli = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
    const run = await promisify(execFile)(process.execPath, [cli, file]).catch((error: { stdout: string }) => error);
    return JSON.parse(run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `GET /a/:b (HEAD)` → the routes Fastify serves, from its route tree (`printRoutes`). */
function fastifyRoutes(fastify: FastifyInstance): Set<string> {
  const routes = new Set<string>();
  const stack: { depth: number; path: string }[] = [];
  for (const line of fastify.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S*)(?: \(([^)]+)\))?/.exec(line.replace(/\u00a0/g, ' '));
    if (!match) continue;
    const depth = match[1]!.length;
    while (stack.length > 0 && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const path = (stack[stack.length - 1]?.path ?? '') + match[2];
    stack.push({ depth, path });
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()).filter((m) => m && m !== 'HEAD')) routes.add(`${method} ${path}`);
  }
  return routes;
}

/**
 * A dashboard build of two files, served as the real one is (`PHAROS_WEB_DIR`): its files and
 * its client-side fallback (`/`, `/*`) are Fastify's routes, not the API's, and the fallback
 * must not take `/api/docs`.
 */
const DASHBOARD_FILES = ['index.html', 'assets/main-0123abcd.js'];

function dashboardDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pharos-web-'));
  mkdirSync(path.join(dir, 'assets'));
  for (const file of DASHBOARD_FILES) writeFileSync(path.join(dir, file), file.endsWith('.html') ? '<!DOCTYPE html><title>Pharos</title>' : '');
  return dir;
}

const DASHBOARD_ROUTES = ['GET /', 'GET /*', ...DASHBOARD_FILES.map((file) => `GET /${file}`)];

describe('the OpenAPI document', () => {
  let pharos: RunningPharos;
  let doc: Schema;
  let fixture: Fixture;
  const webDir = dashboardDir();

  beforeAll(async () => {
    pharos = await startPharos({ env: { PHAROS_WEB_DIR: webDir } });
    const adminToken = await pharos.login();
    const node = await pharos.request('/api/v1/nodes', { token: adminToken, body: { name: 'openapi-node' } });
    const daemon = await pharos.request('/api/v1/lightd/daemons', { token: adminToken, body: { name: 'openapi-daemon', apiUrl: 'http://127.0.0.1:9' } });
    const releaseVersion = '0.9.0';
    const release = await pharos.request(`/api/v1/releases?version=${releaseVersion}&os=linux&arch=amd64`, {
      token: adminToken,
      rawBody: Buffer.from('a node binary'),
      contentType: 'application/octet-stream',
    });
    expect([node.status, daemon.status, release.status]).toEqual([201, 201, 201]);
    fixture = { adminToken, nodeSecret: node.body.secret, remoteToken: daemon.body.remoteToken, releaseVersion };
    const res = await pharos.request('/api/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });

  afterAll(async () => {
    await pharos?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(await validateOpenApi(doc)).toEqual({ valid: true });
  });

  it('names every route the server has, and no other', () => {
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Schema>)) {
      for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`);
    }
    const served = fastifyRoutes(pharos.app.getHttpAdapter().getInstance());
    expect(DASHBOARD_ROUTES.filter((route) => !served.has(route))).toEqual([]);
    expect([...documented].sort()).toEqual([...served].filter((route) => !DASHBOARD_ROUTES.includes(route)).sort());
    expect(documented.size).toBeGreaterThan(80);
  });

  it('says which credential each route takes', () => {
    const security = (method: string, path: string) => (doc.paths[path][method] as Operation).security.flatMap((s) => Object.keys(s));
    expect(security('get', '/api/v1/servers')).toEqual(['accessToken']);
    expect(security('post', '/api/v1/auth/login')).toEqual([]);
    expect(security('get', '/healthz')).toEqual([]);
    expect(security('post', '/api/node/metrics')).toEqual(['nodeSecret']);
    expect(security('get', '/deploy/{os}/{file}')).toEqual(['nodeSecret', 'nodeUpgradeToken']);
    expect(security('post', '/api/lightd/update')).toEqual(['lightdRemoteToken']);
    expect(security('get', '/api/openapi.json')).toEqual([]);
    // Roles, on a handler or its whole controller.
    expect(doc.paths['/api/v1/servers'].post.responses['403']).toBeDefined();
    expect(doc.paths['/api/v1/users'].get.description).toBe('Needs the role admin.');
    expect(doc.paths['/api/v1/servers'].get.responses['403']).toBeUndefined();
    expect(doc.components.securitySchemes.nodeSecret).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Node-Secret' });
    // Every error answers the same body.
    expect(doc.paths['/api/v1/servers/{id}'].patch.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(doc.components.schemas.Error.required).toEqual(['statusCode', 'error', 'message']);
  });

  it('describes bodies from the DTOs and the protocol schemas', () => {
    const body = (method: string, path: string) => resolve(doc, doc.paths[path][method].requestBody.content['application/json'].schema);
    expect(body('post', '/api/v1/servers')).toMatchObject({ type: 'object', required: ['name'], additionalProperties: false });
    expect(body('patch', '/api/v1/servers/{id}').properties.group.anyOf).toContainEqual({ type: 'null' });
    expect(body('post', '/api/node/metrics').required).toEqual(['version', 'hostname', 'timestamp', 'metrics']);
    const servers = (doc.paths['/api/v1/servers'].get as Operation).parameters!;
    expect(servers.find((p) => p.name === 'limit')).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 } });
  });

  /** Every route with a JSON body whose schema says something, as `METHOD /path`. */
  function bodyRoutes(): [string, string, Schema][] {
    const routes: [string, string, Schema][] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
      for (const method of HTTP_METHODS) {
        const schema = item[method]?.requestBody?.content['application/json']?.schema;
        if (schema && objectOf(schema)) routes.push([method.toUpperCase(), path, schema]);
      }
    }
    return routes;
  }

  /** The object a body schema describes; of a choice of objects (a protocol's kinds of message), the first. */
  function objectOf(schema: Schema): Schema | undefined {
    const resolved = resolve(doc, schema);
    const choice = resolved.anyOf?.[0] ?? resolved.oneOf?.[0];
    if (choice) return objectOf(choice);
    return resolved.type === 'object' ? resolved : undefined;
  }

  async function send(method: string, path: string, body: unknown) {
    const operation = doc.paths[path][method.toLowerCase()] as Operation;
    const schemes = operation.security.flatMap((s) => Object.keys(s));
    const headers: Record<string, string> = {};
    if (schemes.includes('accessToken')) headers.authorization = `Bearer ${fixture.adminToken}`;
    if (schemes.includes('nodeSecret')) headers['x-node-secret'] = fixture.nodeSecret;
    if (schemes.includes('lightdRemoteToken')) headers.authorization = `Bearer ${fixture.remoteToken}`;
    // Path ids: a fresh one (a 404 once the body passed is not a refusal of the body).
    const url = path.replace(/\{[^}]+\}/g, () => randomUUID());
    return pharos.request(url, { method, body, headers });
  }

  it('accepts a body built from its schema, and refuses it without a required field or with a field of the wrong type', async () => {
    const routes = bodyRoutes();
    expect(routes.map(([method, path]) => `${method} ${path}`)).toEqual(expect.arrayContaining(['POST /update', 'POST /api/node/metrics', 'POST /api/v1/servers', 'PATCH /api/v1/servers/{id}']));
    expect(routes.length).toBeGreaterThan(25);
    const failures: string[] = [];
    for (const [method, path, schema] of routes) {
      const route = `${method} ${path}`;
      const object = objectOf(schema)!;
      const body = { ...(plainValue(doc, object) as Record<string, unknown>), ...BEYOND_THE_SCHEMA[route]?.(fixture) };
      expect({ route, valid: matches(doc, schema, body) }).toEqual({ route, valid: true });
      const accepted = await send(method, path, body);
      if (accepted.status === 400) failures.push(`${route} refused ${JSON.stringify(body)}: ${accepted.body.message}`);
      for (const name of (object.required ?? []) as string[]) {
        const { [name]: _dropped, ...without } = body;
        const refused = await send(method, path, without);
        if (refused.status !== 400) failures.push(`${route} without ${name}: ${refused.status}`);
      }
      for (const [name, property] of Object.entries((object.properties ?? {}) as Record<string, Schema>)) {
        const wrong = wrongValue(doc, property);
        if (wrong === undefined) continue; // the property takes anything
        const mistyped = await send(method, path, { ...body, [name]: wrong });
        if (mistyped.status !== 400) failures.push(`${route} with ${name}=${JSON.stringify(wrong)}: ${mistyped.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('the API page', () => {
  let pharos: RunningPharos;
  const webDir = dashboardDir();

  beforeAll(async () => {
    pharos = await startPharos({ env: { PHAROS_WEB_DIR: webDir } });
  });

  afterAll(async () => {
    await pharos?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('is Swagger UI over /api/openapi.json, its files served by Pharos', async () => {
    const page = await fetch(`${pharos.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(expect.arrayContaining(['/api/docs/swagger-ui-bundle.js', '/api/docs/swagger-ui.css']));
    for (const asset of assets) {
      const res = await fetch(`${pharos.baseUrl}${asset}`);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    const start = await (await fetch(`${pharos.baseUrl}/api/docs/pharos-docs.js`)).text();
    expect(start).toContain("url: '/api/openapi.json'");
    expect((await pharos.request('/api/docs/swagger-ui-bundle.js.map')).status).toBe(404);
    expect((await pharos.request('/api/docs/..%2Fpackage.json')).status).toBe(404);
  });
});

describeWithBrowser('the API page in Chromium', () => {
  let pharos: RunningPharos;

  beforeAll(async () => {
    pharos = await startPharos();
  });

  afterAll(async () => {
    await pharos?.close();
  });

  it('shows every operation of the document, under its Content-Security-Policy, with nothing fetched from elsewhere', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const problems = new PageProblems(page);
      const elsewhere: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(pharos.baseUrl) && !request.url().startsWith('data:')) elsewhere.push(request.url());
      });
      await page.goto(`${pharos.baseUrl}/api/docs`);
      await page.locator('.opblock').first().waitFor();
      const doc = (await pharos.request('/api/openapi.json')).body as Schema;
      const operations = Object.values(doc.paths as Record<string, Schema>).reduce((n, item) => n + Object.keys(item).length, 0);
      expect(await page.locator('.opblock').count()).toBe(operations);
      await screenshot(page, 'api-docs');
      expect(elsewhere).toEqual([]);
      problems.expectNone();
    } finally {
      await browser.close();
    }
  });
});
