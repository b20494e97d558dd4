import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

/**
 * A Docker Engine API on a unix socket, answering the container endpoints the agent calls as
 * moby's code does (daemon/server/router/container/container_routes.go, daemon/start.go,
 * stop.go, kill.go, pause.go, unpause.go, delete.go, container/view.go, server/server.go and
 * middleware/version.go): the same paths with or without `/v<version>`, the same status codes
 * (204 done, 304 already so, 404, 409, and unpause's 500), errors as `{"message": …}` in the
 * daemon's words, `Api-Version` on every answer, and logs as a multiplexed stream.
 */

export interface FakeContainer {
  id: string;
  name: string;
  state: 'running' | 'exited' | 'paused';
  tty?: boolean;
  /** Log lines, newest last, each from stdout (1) or stderr (2). */
  logs?: { stream: 1 | 2; line: string }[];
}

export interface EngineRequest {
  method: string;
  /** As sent, version prefix included: `/v1.43/containers/web-1/restart`. */
  path: string;
  query: Record<string, string>;
}

const MIN_API_VERSION = '1.24';

export class FakeDockerEngine {
  readonly requests: EngineRequest[] = [];
  private readonly containers = new Map<string, FakeContainer>();

  private constructor(
    readonly socketPath: string,
    private readonly server: http.Server,
    private readonly dir: string,
    readonly apiVersion: string,
  ) {}

  /** Listens on `<tmp>/docker.sock`, as a daemon of API `apiVersion` (Docker 24: 1.43). */
  static async start(containers: FakeContainer[] = [], apiVersion = '1.43'): Promise<FakeDockerEngine> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fake-docker-'));
    const socketPath = path.join(dir, 'docker.sock');
    const server = http.createServer();
    const engine = new FakeDockerEngine(socketPath, server, dir, apiVersion);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => engine.handle(req, res));
    for (const c of containers) engine.containers.set(c.id, { ...c });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    return engine;
  }

  container(idOrName: string): FakeContainer | undefined {
    return this.find(idOrName).container;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://docker');
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams) });
    res.setHeader('Api-Version', this.apiVersion);
    res.setHeader('Server', 'Docker/24.0.9 (linux)');
    res.setHeader('Ostype', 'linux');
    const versioned = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname);
    const version = versioned?.[1] ?? this.apiVersion;
    const route = versioned?.[2] ?? url.pathname;
    if (compareVersions(version, MIN_API_VERSION) < 0) {
      return json(res, 400, `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
    }
    if (compareVersions(version, this.apiVersion) > 0) return json(res, 400, `client version ${version} is too new. Maximum supported API version is ${this.apiVersion}`);
    if (route === '/_ping' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache' });
      return void res.end(req.method === 'GET' ? 'OK' : undefined);
    }
    const action = /^\/containers\/([^/]+)(?:\/(start|stop|restart|kill|pause|unpause|logs))?$/.exec(route);
    if (!action) return json(res, 404, 'page not found');
    const name = decodeURIComponent(action[1]!);
    const verb = action[2];
    if (req.method === 'DELETE' && !verb) return this.remove(res, name, url.searchParams);
    if (req.method === 'GET' && verb === 'logs') return this.logs(res, name, url.searchParams, version);
    if (req.method === 'POST' && verb && verb !== 'logs') return this.act(res, name, verb);
    return json(res, 404, 'page not found');
  }

  /** moby's GetContainer: a full id, an exact name, or a unique id prefix. */
  private find(idOrName: string): { container?: FakeContainer; error?: [number, string] } {
    const byId = this.containers.get(idOrName);
    if (byId) return { container: byId };
    const all = [...this.containers.values()];
    const byName = all.find((c) => c.name === idOrName || c.name === `/${idOrName}`);
    if (byName) return { container: byName };
    const byPrefix = all.filter((c) => c.id.startsWith(idOrName));
    if (byPrefix.length > 1) return { error: [400, `multiple IDs found with provided prefix: ${idOrName}`] };
    if (byPrefix.length === 1) return { container: byPrefix[0] };
    return { error: [404, `No such container: ${idOrName}`] };
  }

  private act(res: http.ServerResponse, name: string, verb: string): void {
    const found = this.find(name);
    // The kill route wraps every error of the daemon in "cannot kill container: <name>".
    const prefix = verb === 'kill' ? `cannot kill container: ${name}: ` : '';
    if (!found.container) return json(res, found.error![0], prefix + found.error![1]);
    const c = found.container;
    const refusal = stateRefusal(verb, c);
    if (refusal === 304) return void res.writeHead(304).end();
    if (refusal) return json(res, refusal[0], prefix + refusal[1]);
    c.state = { start: 'running', stop: 'exited', restart: 'running', kill: 'exited', pause: 'paused', unpause: 'running' }[verb] as FakeContainer['state'];
    res.writeHead(204).end();
  }

  private remove(res: http.ServerResponse, name: string, query: URLSearchParams): void {
    const found = this.find(name);
    if (!found.container) return json(res, found.error![0], found.error![1]);
    const c = found.container;
    const force = ['1', 'true', 'True'].includes(query.get('force') ?? '');
    if (c.state !== 'exited' && !force) {
      const why = c.state === 'paused' ? 'container is paused and must be unpaused first' : 'container is running: stop the container before removing or force remove';
      return json(res, 409, `cannot remove container "${name}": ${why}`);
    }
    this.containers.delete(c.id);
    res.writeHead(204).end();
  }

  private logs(res: http.ServerResponse, name: string, query: URLSearchParams, version: string): void {
    const wants = (key: string) => ['1', 'true', 'True'].includes(query.get(key) ?? '');
    if (!wants('stdout') && !wants('stderr')) return json(res, 400, "must specify at least one of 'stdout' or 'stderr'");
    const found = this.find(name);
    if (!found.container) return json(res, found.error![0], found.error![1]);
    const c = found.container;
    const tail = query.get('tail');
    let lines = (c.logs ?? []).filter((l) => (l.stream === 1 ? wants('stdout') : wants('stderr')));
    if (tail && tail !== 'all') lines = lines.slice(Math.max(0, lines.length - Number(tail)));
    const multiplexed = !c.tty;
    const contentType = multiplexed && compareVersions(version, '1.42') >= 0 ? 'application/vnd.docker.multiplexed-stream' : 'application/vnd.docker.raw-stream';
    res.writeHead(200, { 'Content-Type': contentType });
    res.end(Buffer.concat(lines.map((l) => (multiplexed ? logFrame(l.stream, `${l.line}\n`) : Buffer.from(`${l.line}\n`)))));
  }
}

/** What the daemon says when a container is not in a state the action can start from. */
function stateRefusal(verb: string, c: FakeContainer): [number, string] | 304 | null {
  const running = c.state === 'running' || c.state === 'paused';
  switch (verb) {
    case 'start':
      if (c.state === 'paused') return [409, 'cannot start a paused container, try unpause instead'];
      return running ? 304 : null;
    case 'stop':
      return running ? null : 304;
    case 'kill':
    case 'pause':
      if (!running) return [409, `container ${c.id} is not running`];
      return verb === 'pause' && c.state === 'paused' ? [409, `container ${c.id} is already paused`] : null;
    case 'unpause':
      return c.state === 'paused' ? null : [500, `Container ${c.id} is not paused`];
    default:
      return null;
  }
}

function json(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(`${JSON.stringify({ message })}\n`);
}

/** One frame of a multiplexed log stream: stream, three zero bytes, size (big-endian), payload. */
export function logFrame(stream: 1 | 2 | 3, text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function compareVersions(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1! - b1! || a2! - b2!;
}
