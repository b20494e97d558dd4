import { type ChildProcess, spawn } from 'node:child_process';
import { NO_ALLOCATION_SITE_PRETENURING } from '../../apps/server/src/platform/runtime/v8-tuning';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, waitForHttp } from './pharos-process';

/**
 * The agents benchmark's baseline: a bare `ws` server (its own process) that answers each
 * agent's auth, parses every message and hands each metrics sample to the browsers watching
 * that server — the least any server must do to serve the same clients. No validation, no
 * storage, no key check.
 */
export class BareWsServer {
  private constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {}

  static async start(keyToServer: Record<string, string>, maxOpenFiles: number, dir: string): Promise<BareWsServer> {
    const port = await freePort();
    const keysFile = path.join(dir, 'bare-keys.json');
    writeFileSync(keysFile, JSON.stringify(keyToServer));
    const script = `
      const { WebSocketServer } = require(${JSON.stringify(require.resolve('ws'))});
      const http = require('http');
      const keys = new Map(Object.entries(JSON.parse(require('fs').readFileSync(process.env.BARE_KEYS_FILE, 'utf8'))));
      const watchers = new Map();
      const server = http.createServer((q, s) => s.end('ok'));
      const wss = new WebSocketServer({ server, perMessageDeflate: false });
      wss.on('connection', (ws, req) => {
        const watch = /^\\/api\\/v1\\/ws\\/metrics\\/([^/?]+)/.exec(req.url);
        if (watch) {
          const id = watch[1];
          if (!watchers.has(id)) watchers.set(id, new Set());
          watchers.get(id).add(ws);
          ws.on('close', () => watchers.get(id).delete(ws));
          return;
        }
        let serverId;
        ws.on('message', (data) => {
          const message = JSON.parse(data.toString());
          if (!serverId) {
            serverId = keys.get(message.api_key);
            ws.send(JSON.stringify({ type: 'auth_success', server_id: serverId, message: 'Connected successfully' }));
            return;
          }
          if (message.type === 'metrics') {
            const set = watchers.get(serverId);
            if (set) for (const w of set) w.send(JSON.stringify({ type: 'metrics', data: { server_id: serverId, timestamp: message.timestamp } }));
          }
        });
      });
      server.listen(${port}, '127.0.0.1');`;
    const child = spawn('prlimit', [`--nofile=${maxOpenFiles}:${maxOpenFiles}`, process.execPath, NO_ALLOCATION_SITE_PRETENURING, '-e', script], {
      stdio: 'ignore',
      env: { ...process.env, BARE_KEYS_FILE: keysFile },
    });
    const server = new BareWsServer(child, `http://127.0.0.1:${port}`);
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
