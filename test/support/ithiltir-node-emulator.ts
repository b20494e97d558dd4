import {
  type ManifestCheck,
  type NodeReport,
  nodeEndpointUrl,
  nodeSendsSecretOnDownload,
  type NodeStaticReport,
  selectUpdateManifest,
  type UpdateManifest,
} from '@pharos/protocol';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { realisticNodeReport, realisticNodeStatic, type StaticOptions } from './ithiltir-node-fixtures';

/**
 * JSON as Go's encoding/json writes it: like JSON.stringify, plus `<`, `>`, `&`, U+2028 and
 * U+2029 escaped (Go's HTML-safe default).
 */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One request the way Go's net/http client sends it: HTTP/1.1, `User-Agent: Go-http-client/1.1`,
 * `Accept-Encoding: gzip`, an exact Content-Length, and nothing else but what the caller adds.
 */
export function goRequest(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string | Buffer): Promise<HttpReply> {
  const target = new URL(url);
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        method,
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        headers: {
          Host: target.host,
          'User-Agent': 'Go-http-client/1.1',
          ...(payload ? { 'Content-Length': String(payload.length) } : {}),
          ...headers,
          'Accept-Encoding': 'gzip',
        },
        timeout: 10_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`timeout: ${method} ${url}`)));
    request.on('error', reject);
    request.end(payload);
  });
}

export interface PushResult {
  status: number;
  contentType: string | undefined;
  text: string;
  /** The reply's `update`, when the node would read one (200, application/json, JSON object). */
  update: unknown;
  /** The node's decision on it (null: nothing offered, or nothing to decide). */
  decision: ManifestCheck | null;
  /** Set when the node downloaded and verified a release, then switched to it. */
  applied?: { manifest: UpdateManifest; bytes: number; sha256: string };
  /** Set when a download or its verification failed (the node skips the update). */
  downloadError?: string;
}

export interface EmulatorOptions {
  /** The Dash target as configured on the node: `…/api/node/metrics`. */
  targetUrl: string;
  key: string;
  version?: string;
  hostname?: string;
  os?: string;
  arch?: string;
  intervalSeconds?: number;
  /** Only a managed install layout applies update manifests (default: managed). */
  managedLayout?: boolean;
}

/**
 * An Ithiltir-node in push mode against one Dash target, behaving as the node's push client
 * does: `report install` (identity), Static after start-up and after an update, a report every
 * round; only 200 counts as success; the metrics reply is read for `update` only when it is
 * JSON; a manifest is checked by the node's own rules, downloaded (with the key in
 * `X-Node-Secret` from 0.2.3 on, with nothing before), checked for size and SHA-256, and
 * applied (the node restarts on it).
 */
export class IthiltirNodeEmulator {
  version: string;
  installId?: string;
  round = 0;
  readonly downloads: { url: string; status: number; bytes: number }[] = [];

  constructor(readonly options: EmulatorOptions) {
    this.version = options.version ?? '0.2.1';
  }

  /** `ithiltir-node report install <url> <key>`: asks the Dash for its install id. */
  async install(): Promise<{ install_id: string; created: boolean }> {
    const reply = await this.post(nodeEndpointUrl(this.options.targetUrl, 'identity'), '{}');
    if (reply.status !== 200) throw new Error(`identity: ${reply.status} ${reply.body.toString()}`);
    const identity = JSON.parse(reply.body.toString()) as { install_id: string; created: boolean };
    if (typeof identity.install_id !== 'string' || identity.install_id === '') throw new Error('identity: no install_id');
    this.installId = identity.install_id;
    return identity;
  }

  staticInfo(overrides: StaticOptions = {}): NodeStaticReport {
    return realisticNodeStatic({
      version: this.version,
      hostname: this.options.hostname,
      os: this.options.os,
      arch: this.options.arch,
      intervalSeconds: this.options.intervalSeconds,
      ...overrides,
    });
  }

  async postStatic(info: unknown = this.staticInfo()): Promise<HttpReply> {
    return this.post(nodeEndpointUrl(this.options.targetUrl, 'static'), goJson(info));
  }

  nextReport(at = new Date()): NodeReport {
    return realisticNodeReport({ version: this.version, hostname: this.options.hostname, at, round: this.round++ });
  }

  /** One round: sends a report (or the raw body given) and handles the reply as the node does. */
  async report(report: unknown = this.nextReport(), rawBody?: string): Promise<PushResult> {
    const reply = await this.post(this.options.targetUrl, rawBody ?? goJson(report));
    const contentType = reply.headers['content-type'];
    const text = reply.body.toString('utf8');
    const result: PushResult = { status: reply.status, contentType, text, update: undefined, decision: null };
    if (reply.status !== 200) return result;
    // Not JSON, empty, or another content type: the reply is ignored.
    if (!/^application\/json\s*(;|$)/i.test(contentType ?? '') || text.trim() === '') return result;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return result;
    }
    if (typeof parsed !== 'object' || parsed === null) return result;
    result.update = (parsed as { update?: unknown }).update ?? null;
    result.decision = selectUpdateManifest([result.update], this.version);
    if (result.decision?.ok && this.options.managedLayout !== false) await this.applyUpdate(result.decision.manifest, result);
    return result;
  }

  private async applyUpdate(manifest: UpdateManifest, result: PushResult): Promise<void> {
    // 0.2.3 and later send their key; 0.2.1 and 0.2.2 download with no header at all (§5).
    const reply = await goRequest('GET', manifest.url, nodeSendsSecretOnDownload(this.version) ? { 'X-Node-Secret': this.options.key } : {});
    this.downloads.push({ url: manifest.url, status: reply.status, bytes: reply.body.length });
    if (reply.status !== 200) {
      result.downloadError = `download answered ${reply.status}`;
      return;
    }
    const sha256 = createHash('sha256').update(reply.body).digest('hex');
    if (reply.body.length !== manifest.size) result.downloadError = `size ${reply.body.length} ≠ manifest ${manifest.size}`;
    else if (sha256 !== manifest.sha256.toLowerCase()) result.downloadError = `sha256 ${sha256} ≠ manifest ${manifest.sha256}`;
    if (result.downloadError) return;
    // releases/<version>/ithiltir-node, `current` switched, restarted by systemd: a new
    // process reports the new version and posts its Static again.
    this.version = manifest.version;
    result.applied = { manifest, bytes: reply.body.length, sha256 };
    await this.postStatic();
  }

  /** POST as the node does: JSON body, the key in X-Node-Secret. */
  post(url: string, body: string): Promise<HttpReply> {
    return goRequest('POST', url, { 'Content-Type': 'application/json', 'X-Node-Secret': this.options.key }, body);
  }
}
