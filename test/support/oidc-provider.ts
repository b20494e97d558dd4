import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** The in-test OpenID Connect provider (`oidc-provider-server.mjs`), one child process. */
export class TestOidcProvider {
  private constructor(
    private readonly child: ChildProcess,
    readonly issuer: string,
  ) {}

  /** Starts the provider with one client that may redirect to `redirectUris`, its issuer named by `issuerHost`. */
  static async start(client: { clientId: string; clientSecret: string; redirectUris: string[] }, issuerHost = '127.0.0.1'): Promise<TestOidcProvider> {
    const child = spawn(process.execPath, [path.join(__dirname, 'oidc-provider-server.mjs')], {
      env: { ...process.env, CLIENT_ID: client.clientId, CLIENT_SECRET: client.clientSecret, REDIRECT_URIS: client.redirectUris.join(','), ISSUER_HOST: issuerHost },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the OIDC provider exited (${code}): ${stderr}`)));
    });
    return new TestOidcProvider(child, (JSON.parse(firstLine) as { issuer: string }).issuer);
  }

  /** The account the provider's next login signs in. */
  async signInAs(sub: string, claims: Record<string, unknown>): Promise<void> {
    const res = await fetch(`${this.issuer}/__test/account`, { method: 'PUT', body: JSON.stringify({ sub, claims }) });
    if (res.status !== 204) throw new Error(`choosing the account failed: ${res.status}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill();
    await exited;
  }
}

/** A TCP port free right now (for a Pharos whose public URL must be known before it starts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A browser as far as redirects and cookies go: follows `Location` headers one hop at a time,
 * keeps each origin's cookies (with their paths and `Max-Age`) and sends them back where they
 * apply. `visited` lists every URL it loaded.
 */
export class RedirectingBrowser {
  private readonly cookies = new Map<string, { value: string; path: string }>();
  readonly visited: string[] = [];

  /** Loads `url` and follows redirects until a page that is not one; returns its URL. */
  async navigate(url: string, stopAt?: (url: URL) => boolean): Promise<URL> {
    let current = new URL(url);
    for (let hop = 0; hop < 20; hop++) {
      if (stopAt?.(current)) return current;
      this.visited.push(current.href);
      const res = await fetch(current, { redirect: 'manual', headers: this.cookieHeader(current) });
      this.keepCookies(current, res.headers.getSetCookie());
      const location = res.headers.get('location');
      await res.arrayBuffer();
      if (res.status < 300 || res.status >= 400 || !location) return current;
      current = new URL(location, current);
    }
    throw new Error(`too many redirects: ${this.visited.join(' → ')}`);
  }

  /** A `fetch` carrying the cookies for `url` (and keeping the ones it sets). */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const res = await fetch(target, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...this.cookieHeader(target) } });
    this.keepCookies(target, res.headers.getSetCookie());
    return res;
  }

  cookie(origin: string, name: string): string | undefined {
    return this.cookies.get(`${origin} ${name}`)?.value;
  }

  setCookie(origin: string, name: string, value: string, path = '/'): void {
    this.cookies.set(`${origin} ${name}`, { value, path });
  }

  private cookieHeader(url: URL): Record<string, string> {
    const pairs = [...this.cookies]
      .filter(([key, cookie]) => key.startsWith(`${url.origin} `) && url.pathname.startsWith(cookie.path))
      .map(([key, cookie]) => `${key.slice(url.origin.length + 1)}=${cookie.value}`);
    return pairs.length ? { cookie: pairs.join('; ') } : {};
  }

  private keepCookies(url: URL, setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const eq = pair!.indexOf('=');
      const key = `${url.origin} ${pair!.slice(0, eq)}`;
      const value = pair!.slice(eq + 1);
      const path = attributes.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      const maxAge = attributes.find((a) => /^max-age=/i.test(a));
      const expires = attributes.find((a) => /^expires=/i.test(a));
      if ((maxAge !== undefined && Number(maxAge.slice(8)) <= 0) || (expires !== undefined && Date.parse(expires.slice(8)) <= Date.now())) this.cookies.delete(key);
      else this.cookies.set(key, { value, path });
    }
  }
}
