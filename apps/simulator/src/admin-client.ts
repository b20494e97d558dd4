/**
 * What the simulator needs of Pharos's admin REST API: log in, and enrol each simulated member
 * (an agent server and its key, a Lightd daemon and its remote token, an Ithiltir node and its
 * secret). Secrets are shown once by Pharos; the simulator keeps them in memory only.
 */

export class PharosApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

export interface EnrolledAgent {
  serverId: string;
  apiKey: string;
}

export interface EnrolledDaemon {
  daemonId: string;
  remoteUrl: string;
  remoteToken: string;
}

export interface EnrolledNode {
  serverId: string;
  secret: string;
}

export class AdminClient {
  private accessToken = '';

  constructor(
    readonly baseUrl: string,
    private readonly username: string,
    private readonly password: string,
  ) {}

  async login(): Promise<void> {
    const body = await this.call<{ accessToken: string }>('POST', '/api/v1/auth/login', { username: this.username, password: this.password }, 'log in', false);
    this.accessToken = body.accessToken;
  }

  async enrolAgent(name: string, group?: string): Promise<EnrolledAgent> {
    const server = await this.call<{ id: string }>('POST', '/api/v1/servers', { name, ...(group ? { group } : {}) }, `create server ${name}`);
    const key = await this.call<{ apiKey: string }>('POST', `/api/v1/servers/${server.id}/agent-keys`, undefined, `issue an agent key for ${name}`);
    return { serverId: server.id, apiKey: key.apiKey };
  }

  async enrolDaemon(name: string, apiUrl: string, apiToken: string): Promise<EnrolledDaemon> {
    const daemon = await this.call<{ daemon: { id: string }; remoteToken: string; lightdConfig: { remote: { url: string } } }>(
      'POST',
      '/api/v1/lightd/daemons',
      { name, apiUrl, apiToken },
      `register daemon ${name}`,
    );
    // Pharos answers the URL it is known by publicly; the simulator talks to the URL it was given.
    return { daemonId: daemon.daemon.id, remoteUrl: `${this.baseUrl}/api/lightd`, remoteToken: daemon.remoteToken };
  }

  async enrolNode(name: string, group?: string): Promise<EnrolledNode> {
    const node = await this.call<{ node: { id: string }; secret: string }>(
      'POST',
      '/api/v1/nodes',
      { name, ...(group ? { group } : {}) },
      `enrol node ${name}`,
    );
    return { serverId: node.node.id, secret: node.secret };
  }

  private async call<T>(method: string, path: string, body: unknown, what: string, authenticated = true, retried = false): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (authenticated) headers.authorization = `Bearer ${this.accessToken}`;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.status === 401 && authenticated && !retried) {
      // The access token expired during a long enrolment: log in again once.
      await this.login();
      return this.call(method, path, body, what, authenticated, true);
    }
    if (!res.ok) throw new PharosApiError(res.status, text, what);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** Runs `work` over `items` with at most `concurrency` at once, in order of start. */
export async function eachLimited<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
