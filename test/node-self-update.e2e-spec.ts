import { PrismaService } from '@pharos/database';
import { checkUpdateManifest } from '@pharos/protocol';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { goRequest, IthiltirNodeEmulator } from './support/ithiltir-node-emulator';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

/** A port nobody listens on now, so Pharos's public URL can name it before it starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const MAX_RELEASE_BYTES = 1024 * 1024;

describe('Ithiltir node self-update', () => {
  let pharos: RunningPharos;
  let token: string;
  let prisma: PrismaService;
  const binaries = {
    linuxAmd64: randomBytes(300 * 1024),
    windowsAmd64: randomBytes(200 * 1024),
    next: randomBytes(100 * 1024),
  };

  beforeAll(async () => {
    const port = await freePort();
    pharos = await startPharos({ port, env: { PHAROS_PUBLIC_URL: `http://127.0.0.1:${port}`, NODE_RELEASE_MAX_BYTES: String(MAX_RELEASE_BYTES) } });
    token = await pharos.login();
    prisma = pharos.app.get(PrismaService);
  });
  afterAll(() => pharos.close());

  function upload(query: string, body: Buffer | string, contentType = 'application/octet-stream', auth: string | null = token) {
    return pharos.request(`/api/v1/releases?${query}`, { method: 'POST', rawBody: body, contentType, token: auth ?? undefined });
  }

  /** An upload with `Transfer-Encoding: chunked` (no length known up front). */
  function chunkedUpload(query: string, bytes: number): Promise<number | 'connection closed'> {
    const url = new URL(`${pharos.baseUrl}/api/v1/releases?${query}`);
    return new Promise((resolve) => {
      let answered = false;
      const request = http.request(
        { method: 'POST', host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' } },
        (response) => {
          answered = true;
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', () => {
        answered = true;
        resolve('connection closed');
      });
      const chunk = randomBytes(64 * 1024);
      let sent = 0;
      const write = () => {
        while (sent < bytes && !answered) {
          sent += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', write);
        }
        request.end();
      };
      write();
    });
  }

  async function node(name: string, options: { group?: string; version?: string; os?: string; arch?: string; postStatic?: boolean } = {}) {
    const res = await pharos.request('/api/v1/nodes', { token, body: { name, ...(options.group ? { group: options.group } : {}) } });
    expect(res.status).toBe(201);
    const emulator = new IthiltirNodeEmulator({
      targetUrl: `${pharos.config.publicUrl}/api/node/metrics`,
      key: res.body.secret,
      version: options.version ?? '0.2.1',
      os: options.os,
      arch: options.arch,
    });
    await emulator.install();
    if (options.postStatic !== false) expect((await emulator.postStatic()).status).toBe(200);
    return { id: res.body.node.id as string, secret: res.body.secret as string, emulator };
  }

  it('stores an uploaded release with its SHA-256 and size, once per version, os and arch', async () => {
    const res = await upload('version=0.3.0&os=linux&arch=x86_64', binaries.linuxAmd64);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      version: '0.3.0',
      os: 'linux',
      arch: 'amd64',
      fileName: 'ithiltir-node_0.3.0_linux_amd64',
      size: binaries.linuxAmd64.length,
      sha256: createHash('sha256').update(binaries.linuxAmd64).digest('hex'),
      url: `${pharos.config.publicUrl}/deploy/linux/ithiltir-node_0.3.0_linux_amd64`,
    });
    expect(existsSync(path.join(pharos.config.dataDir, 'releases', 'linux', 'ithiltir-node_0.3.0_linux_amd64'))).toBe(true);
    expect((await upload('version=0.3.0&os=windows&arch=amd64', binaries.windowsAmd64)).status).toBe(201);

    const duplicate = await upload('version=0.3.0&os=linux&arch=amd64', binaries.next);
    expect(duplicate.status).toBe(409);
    const list = await pharos.request('/api/v1/releases', { token });
    expect(list.body.items.map((r: any) => `${r.version}/${r.os}/${r.arch}`).sort()).toEqual(['0.3.0/linux/amd64', '0.3.0/windows/amd64']);
    const audit = await prisma.auditEntry.findMany({ where: { action: 'release.upload' } });
    expect(audit).toHaveLength(2);
  });

  it('refuses bad uploads with a 4xx and keeps nothing of them', async () => {
    expect((await upload('version=..&os=linux&arch=amd64', binaries.next)).body.field).toBe('version');
    expect((await upload('version=0.9.0&os=freebsd&arch=amd64', binaries.next)).body.field).toBe('os');
    expect((await upload('version=0.9.0&os=linux&arch=amd64', '')).body.field).toBe('body');
    expect((await upload('version=0.9.0&os=linux&arch=amd64', '{"a":1}', 'application/json')).body.field).toBe('body');
    expect((await upload('version=0.9.0&os=linux&arch=amd64', binaries.next, 'application/octet-stream', null)).status).toBe(401);
    const tooBig = await upload('version=0.9.0&os=linux&arch=amd64', randomBytes(MAX_RELEASE_BYTES + 1));
    expect(tooBig.status).toBe(413);
    // Without a declared length the limit is found while streaming: cut off, nothing kept.
    const chunked = await chunkedUpload('version=0.9.0&os=linux&arch=amd64', MAX_RELEASE_BYTES + 256 * 1024);
    expect(chunked === 413 || chunked === 'connection closed').toBe(true);
    // The octet-stream body is for uploads only.
    const elsewhere = await pharos.request('/api/v1/nodes', { method: 'POST', rawBody: binaries.next, contentType: 'application/octet-stream', token });
    expect(elsewhere.status).toBe(415);

    expect(await prisma.nodeRelease.count({ where: { version: '0.9.0' } })).toBe(0);
    expect(readdirSync(path.join(pharos.config.dataDir, 'releases', '.incoming'))).toEqual([]);
    expect(existsSync(path.join(pharos.config.dataDir, 'releases', 'linux', 'ithiltir-node_0.9.0_linux_amd64'))).toBe(false);
  });

  it('serves release binaries only to requests carrying a valid node secret', async () => {
    const { secret } = await node('download-check');
    const url = `${pharos.config.publicUrl}/deploy/linux/ithiltir-node_0.3.0_linux_amd64`;
    expect((await goRequest('GET', url, {})).status).toBe(401);
    expect((await goRequest('GET', url, { 'X-Node-Secret': 'pnode_wrong' })).status).toBe(401);
    expect((await goRequest('GET', `${url}?secret=${secret}`, {})).status).toBe(401);
    const ok = await goRequest('GET', url, { 'X-Node-Secret': secret });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('application/octet-stream');
    expect(ok.headers['content-length']).toBe(String(binaries.linuxAmd64.length));
    expect(ok.body.equals(binaries.linuxAmd64)).toBe(true);
    expect((await goRequest('GET', `${pharos.config.publicUrl}/deploy/linux/ithiltir-node_9.9.9_linux_amd64`, { 'X-Node-Secret': secret })).status).toBe(404);
  });

  it('offers a targeted release only when every rule holds, and the node updates itself with it', async () => {
    const web = await node('web-1', { group: 'web' }); // linux, x86_64 as uname says
    const old = await node('web-old', { group: 'web', version: '0.2.0' });
    const db = await node('db-1', { group: 'db' });
    const win = await node('web-win', { group: 'web', os: 'windows', arch: 'amd64' });
    const arm = await node('web-arm', { group: 'web', arch: 'aarch64' });
    const fresh = await node('web-fresh', { group: 'web', postStatic: false });

    // Nothing is targeted yet.
    expect((await web.emulator.report()).update).toBeNull();

    const targeted = await pharos.request('/api/v1/releases/targets', { token, body: { version: '0.3.0', scope: 'group', group: 'web' } });
    expect(targeted.status).toBe(201);

    const result = await web.emulator.report();
    expect(result.status).toBe(200);
    const manifest = result.update as any;
    // 0.2.1 downloads without X-Node-Secret: its URL carries a short-lived token for that one file.
    expect(manifest).toEqual({
      id: expect.any(String),
      version: '0.3.0',
      url: expect.stringMatching(new RegExp(`^${pharos.config.publicUrl}/deploy/linux/ithiltir-node_0\\.3\\.0_linux_amd64\\?upgrade_token=[0-9a-f]{32}$`)),
      sha256: createHash('sha256').update(binaries.linuxAmd64).digest('hex'),
      size: binaries.linuxAmd64.length,
    });
    expect(checkUpdateManifest(manifest, '0.2.1')).toEqual({ ok: true, manifest });
    // The node took it: downloaded with the token (no secret), checked size and digest, switched, restarted.
    expect(result.downloadError).toBeUndefined();
    expect(result.applied).toMatchObject({ bytes: binaries.linuxAmd64.length });
    expect(web.emulator.version).toBe('0.3.0');

    // Reporting the new version: nothing more to offer, and the offer counts as adopted.
    expect((await web.emulator.report()).update).toBeNull();
    const offer = await prisma.releaseOffer.findFirstOrThrow({ where: { serverId: web.id } });
    expect(offer).toMatchObject({ fromVersion: '0.2.1', timesOffered: 1 });
    expect(offer.adoptedAt).toBeInstanceOf(Date);
    const server = await pharos.request(`/api/v1/servers/${web.id}`, { token });
    expect(server.body.agentVersion).toBe('0.3.0');
    const events = await pharos.request(`/api/v1/servers/${web.id}/events`, { token });
    expect(events.body.items[0]).toMatchObject({ kind: 'node.version', message: 'Node updated from 0.2.1 to 0.3.0' });

    // Version gate: 0.2.0 cannot take automatic updates.
    expect((await old.emulator.report()).update).toBeNull();
    // Another group, an arch without a build, a node without Static: nothing.
    expect((await db.emulator.report()).update).toBeNull();
    expect((await arm.emulator.report()).update).toBeNull();
    expect((await fresh.emulator.report()).update).toBeNull();

    // The Windows node gets the Windows build.
    const windows = await win.emulator.report();
    expect((windows.update as any).url).toMatch(new RegExp(`^${pharos.config.publicUrl}/deploy/windows/ithiltir-node_0\\.3\\.0_windows_amd64\\.exe\\?upgrade_token=[0-9a-f]{32}$`));
    expect(windows.applied?.sha256).toBe(createHash('sha256').update(binaries.windowsAmd64).digest('hex'));

    const rollout = await pharos.request('/api/v1/releases/rollouts/0.3.0', { token });
    expect(rollout.status).toBe(200);
    expect(rollout.body.counts).toEqual({ targeted: 5, updated: 2, offered: 0, pending: 0, ineligible: 3 });
    const byName = Object.fromEntries(rollout.body.nodes.map((n: any) => [n.name, n]));
    expect(byName['web-1']).toMatchObject({
      state: 'updated',
      version: '0.3.0',
      timesOffered: 1,
      adoptedAt: expect.any(String),
      upgradeToken: { issuedAt: expect.any(String), expiresAt: expect.any(String), usedAt: expect.any(String) },
    });
    expect(byName['web-old']).toMatchObject({ state: 'ineligible', reason: expect.stringContaining('0.2.1 or later') });
    expect(byName['web-arm']).toMatchObject({ state: 'ineligible', reason: 'no build for linux/aarch64' });
    expect(byName['web-fresh']).toMatchObject({ state: 'ineligible', reason: 'no static facts reported yet' });
    expect(byName['db-1']).toBeUndefined();
  });

  it('offers nodes before 0.2.3 one token per file for 30 minutes, stored as a hash, refused for any other file or once expired', async () => {
    const older = await node('tok-1', { group: 'tokens', version: '0.2.2' });
    const newer = await node('tok-2', { group: 'tokens', version: '0.2.3' });
    const watcher = (emulator: IthiltirNodeEmulator) => new IthiltirNodeEmulator({ ...emulator.options, managedLayout: false });
    await pharos.request('/api/v1/releases/targets', { token, body: { version: '0.3.0', scope: 'group', group: 'tokens' } });
    const first = (await watcher(older.emulator).report()).update as any;
    // The same URL round after round while the token has time left (the node retries a failed one).
    expect(((await watcher(older.emulator).report()).update as any).url).toBe(first.url);
    const issued = new URL(first.url).searchParams.get('upgrade_token')!;
    const stored = await prisma.nodeUpgradeToken.findMany({ where: { serverId: older.id } });
    expect(stored).toHaveLength(1);
    expect(stored[0]!.tokenHash).toBe(createHash('sha256').update(issued).digest('hex'));
    expect(stored[0]!.expiresAt.getTime() - stored[0]!.createdAt.getTime()).toBe(30 * 60_000);
    expect(JSON.stringify(stored)).not.toContain(issued);
    // 0.2.3 sends its secret: a plain URL.
    expect(((await watcher(newer.emulator).report()).update as any).url).toBe(`${pharos.config.publicUrl}/deploy/linux/ithiltir-node_0.3.0_linux_amd64`);

    const file = `${pharos.config.publicUrl}/deploy/linux/ithiltir-node_0.3.0_linux_amd64`;
    expect((await goRequest('GET', `${file}?upgrade_token=${issued}`, {})).status).toBe(200);
    expect((await goRequest('GET', `${pharos.config.publicUrl}/deploy/windows/ithiltir-node_0.3.0_windows_amd64.exe?upgrade_token=${issued}`, {})).status).toBe(401);
    expect((await goRequest('GET', `${file}?upgrade_token=${'0'.repeat(32)}`, {})).status).toBe(401);
    expect((await goRequest('GET', `${file}?upgrade_token=short`, {})).status).toBe(401);
    await prisma.nodeUpgradeToken.updateMany({ where: { serverId: older.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await goRequest('GET', `${file}?upgrade_token=${issued}`, {});
    expect(expired.status).toBe(401);
    expect(JSON.parse(expired.body.toString()).message).toBe('upgrade_token is unknown, expired or for another file');
  });

  it('shows a node offered a release that it has not taken yet', async () => {
    const direct = await node('direct-binary', { group: 'direct' });
    // Outside the managed install layout the node ignores manifests and keeps its version.
    const emulator = new IthiltirNodeEmulator({ ...direct.emulator.options, managedLayout: false });
    await pharos.request('/api/v1/releases/targets', { token, body: { version: '0.3.0', scope: 'group', group: 'direct' } });
    expect((await emulator.report()).decision).toMatchObject({ ok: true });
    expect((await emulator.report()).update).not.toBeNull();
    const rollout = await pharos.request('/api/v1/releases/rollouts/0.3.0', { token });
    const entry = rollout.body.nodes.find((n: any) => n.name === 'direct-binary');
    expect(entry).toMatchObject({ state: 'offered', version: '0.2.1', timesOffered: 2, adoptedAt: null });
  });

  it('lets a target for chosen nodes win over their group, and removing it restores the group’s', async () => {
    expect((await upload('version=0.3.1-rc.1&os=linux&arch=amd64', binaries.next)).status).toBe(201);
    const canary = await node('web-canary', { group: 'web' });
    const peer = await node('web-peer', { group: 'web' });
    const chosen = await pharos.request('/api/v1/releases/targets', { token, body: { version: '0.3.1-rc.1', scope: 'servers', serverIds: [canary.id] } });
    expect(chosen.status).toBe(201);

    const canaryManifest = new IthiltirNodeEmulator({ ...canary.emulator.options, managedLayout: false });
    expect(((await canaryManifest.report()).update as any).version).toBe('0.3.1-rc.1');
    expect(((await new IthiltirNodeEmulator({ ...peer.emulator.options, managedLayout: false }).report()).update as any).version).toBe('0.3.0');

    expect((await pharos.request(`/api/v1/releases/targets/${chosen.body.items[0].id}`, { token, method: 'DELETE' })).status).toBe(204);
    expect(((await canaryManifest.report()).update as any).version).toBe('0.3.0');

    const bad = await pharos.request('/api/v1/releases/targets', { token, body: { version: '7.7.7', scope: 'all' } });
    expect([bad.status, bad.body.field]).toEqual([400, 'version']);
    const notNode = await pharos.request('/api/v1/releases/targets', { token, body: { version: '0.3.0', scope: 'servers', serverIds: ['00000000-0000-0000-0000-000000000000'] } });
    expect([notNode.status, notNode.body.field]).toEqual([400, 'serverIds']);
  });

  it('stops offering a deleted release', async () => {
    const uploaded = await upload('version=0.4.0&os=linux&arch=amd64', binaries.next);
    const lonely = await node('lonely', { group: 'lonely' });
    await pharos.request('/api/v1/releases/targets', { token, body: { version: '0.4.0', scope: 'group', group: 'lonely' } });
    const watcher = new IthiltirNodeEmulator({ ...lonely.emulator.options, managedLayout: false });
    expect(((await watcher.report()).update as any).version).toBe('0.4.0');
    expect((await pharos.request(`/api/v1/releases/${uploaded.body.id}`, { token, method: 'DELETE' })).status).toBe(204);
    expect((await watcher.report()).update).toBeNull();
    expect((await goRequest('GET', uploaded.body.url, { 'X-Node-Secret': lonely.secret })).status).toBe(404);
  });
});
