import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status it was answered with. */
  status: number;
}

/**
 * A local HTTP receiver standing in for a provider's API (Slack, Discord, Telegram, ntfy,
 * Gotify, Teams, a webhook): records every request as it came and answers each path with
 * the statuses scripted for it (then 200), the way the real services answer success.
 */
export class NotificationReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly scripts = new Map<string, number[]>();
  private server!: Server;
  url = '';

  static async start(): Promise<NotificationReceiver> {
    const receiver = new NotificationReceiver();
    receiver.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const pathOnly = path.split('?')[0]!;
        const status = receiver.scripts.get(pathOnly)?.shift() ?? 200;
        receiver.requests.push({ method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
        // Each provider's success answer: Discord 204, Telegram {ok:true}, Slack "ok", the rest JSON.
        if (status === 204) {
          res.writeHead(204).end();
          return;
        }
        const body = pathOnly.includes('/sendMessage') ? JSON.stringify({ ok: status < 300, result: { message_id: receiver.requests.length } }) : pathOnly.startsWith('/services/') ? 'ok' : JSON.stringify({ ok: status < 300 });
        res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      });
    });
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  get host(): string {
    return this.url.replace(/^http:\/\//, '');
  }

  /** The next answers to requests for `path` (then 200). */
  script(path: string, statuses: number[]): void {
    this.scripts.set(path, [...statuses]);
  }

  to(pathPrefix: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix));
  }

  /** The first request to `pathPrefix`; throws while none came (for `eventually`). */
  firstTo(pathPrefix: string): ReceivedRequest {
    const first = this.to(pathPrefix)[0];
    if (!first) throw new Error(`nothing was posted to ${pathPrefix} yet`);
    return first;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
