import { type ChildProcess, spawn } from 'node:child_process';
import { NO_ALLOCATION_SITE_PRETENURING } from '../../apps/server/src/platform/runtime/v8-tuning';
import { freePort, waitForHttp } from './pharos-process';

/**
 * The same-run baseline of the HTTP benchmarks: a bare Node `http` server (its own process, as
 * Pharos is) that reads each body, parses it as JSON and answers a fixed JSON body. Whatever
 * Pharos does beyond that — routing, authentication, validation, storing durably — is what
 * the ratio measures.
 */
export class BareHttpServer {
  private constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {}

  static async start(answer: unknown): Promise<BareHttpServer> {
    const port = await freePort();
    const script = `
      const answer = ${JSON.stringify(JSON.stringify(answer))};
      require('http').createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
          let status = 200;
          if (req.method === 'POST') {
            try { JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { status = 400; }
          }
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(answer);
        });
      }).listen(${port}, '127.0.0.1');`;
    const child = spawn(process.execPath, [NO_ALLOCATION_SITE_PRETENURING, '-e', script], { stdio: 'ignore' });
    const server = new BareHttpServer(child, `http://127.0.0.1:${port}`);
    await waitForHttp(`${server.baseUrl}/`);
    return server;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}
