import http from 'node:http';

/** An answer of the Docker Engine API. */
export interface EngineResponse {
  status: number;
  contentType: string;
  body: Buffer;
  /** The daemon's API version (the `Api-Version` header every answer carries). */
  apiVersion?: string;
}

export interface DockerEngineOptions {
  /** The newest API version this agent was written against; an older daemon's is used instead. */
  maxApiVersion?: string;
  /** `stop` and `restart` wait for the container's stop timeout (10 s unless it sets one). */
  requestTimeoutMs?: number;
  /** A body longer than this is cut off (logs of a container with very long lines). */
  maxBodyBytes?: number;
}

/**
 * The Docker Engine API over its unix socket, with plain `node:http`: the agent needs eight
 * endpoints, and this keeps every request's exact shape in view (dockerode would bring
 * docker-modem, ssh2 and their native optional parts for them).
 *
 * The API version is negotiated as the Docker CLI does: `GET /_ping` tells the daemon's
 * (`Api-Version`), and requests go to `/v<min(daemon, ours)>/…`, so old daemons are spoken to
 * in their version and new ones (whose minimum keeps rising) in one they still accept.
 */
export class DockerEngine {
  private version: Promise<string> | null = null;
  private readonly maxApiVersion: string;
  private readonly requestTimeoutMs: number;
  private readonly maxBodyBytes: number;

  constructor(
    readonly socketPath: string,
    options: DockerEngineOptions = {},
  ) {
    this.maxApiVersion = options.maxApiVersion ?? '1.47';
    this.requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  }

  /** `method` on `/v<version><path>`; rejects only when the daemon cannot be reached. */
  async request(method: string, path: string, query: Record<string, string | number | boolean> = {}): Promise<EngineResponse> {
    const version = await this.apiVersion();
    const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
    return this.send(method, `/v${version}${path}${search ? `?${search}` : ''}`);
  }

  private apiVersion(): Promise<string> {
    this.version ??= this.send('GET', '/_ping').then(
      (ping) => lowerVersion(ping.apiVersion ?? '', this.maxApiVersion),
      (error: unknown) => {
        // Not reachable now (the daemon restarting): ask again next time.
        this.version = null;
        throw error;
      },
    );
    return this.version;
  }

  private send(method: string, path: string): Promise<EngineResponse> {
    return new Promise((resolve, reject) => {
      const request = http.request({ socketPath: this.socketPath, method, path, headers: { host: 'docker' }, timeout: this.requestTimeoutMs }, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= this.maxBodyBytes) chunks.push(chunk);
          else response.destroy();
        });
        const done = () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks),
            apiVersion: headerValue(response.headers['api-version']),
          });
        response.on('end', done);
        response.on('close', done);
      });
      request.on('timeout', () => request.destroy(new Error(`no answer from the Docker Engine API in ${this.requestTimeoutMs / 1000} s`)));
      request.on('error', reject);
      request.end();
    });
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The lower of two `major.minor` API versions; an unreadable daemon version gives ours. */
export function lowerVersion(daemon: string, ours: string): string {
  const parse = (v: string) => (/^\d+\.\d+$/.test(v) ? v.split('.').map(Number) : null);
  const a = parse(daemon);
  const b = parse(ours)!;
  if (!a) return ours;
  return a[0]! < b[0]! || (a[0] === b[0] && a[1]! < b[1]!) ? daemon : ours;
}
