import { checkUpdateManifest, NODE_IDENTITY_PATH, NODE_METRICS_PATH, NODE_SECRET_HEADER, NODE_STATIC_PATH } from '@pharos/protocol';
import { realisticNodeReport, realisticNodeStatic } from './node-reports';
import { hashSeed, jittered, pick, seededRandom } from './random';
import { type FleetStats, noteError } from './stats';

export interface SimNodeOptions {
  baseUrl: string;
  secret: string;
  hostname: string;
  intervalMs: number;
  stats: FleetStats;
}

const VERSIONS = ['0.2.1', '0.2.1', '0.2.1', '0.2.0', '0.1.9'];
const PLATFORMS = [
  { os: 'linux', arch: 'x86_64' },
  { os: 'linux', arch: 'x86_64' },
  { os: 'linux', arch: 'aarch64' },
];

/**
 * One Ithiltir node in push mode: asks for the Dash's identity, posts its Static once, then a
 * NodeReport every interval whose values move from round to round. A manifest offered in a
 * reply is checked by the node's own rules (counted valid or invalid) but not downloaded.
 */
export class SimNode {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private reporting = false;
  private round: number;
  readonly version: string;
  private readonly platform: { os: string; arch: string };

  constructor(private readonly options: SimNodeOptions) {
    const random = seededRandom(hashSeed(options.hostname));
    this.version = pick(VERSIONS, random);
    this.platform = pick(PLATFORMS, random);
    this.round = Math.floor(random() * 1000);
  }

  start(): void {
    void this.begin();
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    return Promise.resolve();
  }

  private async begin(): Promise<void> {
    const { stats } = this.options;
    try {
      const identity = await this.post(NODE_IDENTITY_PATH, '{}');
      if (identity.status !== 200) throw new Error(`identity answered ${identity.status}`);
      const info = realisticNodeStatic({ version: this.version, hostname: this.options.hostname, intervalSeconds: Math.max(1, Math.round(this.options.intervalMs / 1000)), ...this.platform });
      const posted = await this.post(NODE_STATIC_PATH, JSON.stringify(info));
      if (posted.status !== 200) throw new Error(`static answered ${posted.status}: ${posted.text.slice(0, 200)}`);
    } catch (error) {
      noteError(stats, `node ${this.options.hostname}: ${(error as Error).message}`);
    }
    this.schedule(jittered(this.options.intervalMs / 2, Math.random, 0.9));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.report().finally(() => this.schedule(jittered(this.options.intervalMs, Math.random))), delayMs);
  }

  private async report(): Promise<void> {
    const { stats } = this.options;
    const body = JSON.stringify(realisticNodeReport({ version: this.version, hostname: this.options.hostname, round: this.round++ }));
    try {
      const reply = await this.post(NODE_METRICS_PATH, body);
      if (reply.status !== 200) throw new Error(`metrics answered ${reply.status}: ${reply.text.slice(0, 200)}`);
      stats.nodes.reportsSent++;
      if (!this.reporting) {
        this.reporting = true;
        stats.nodes.reporting++;
      }
      const update = (JSON.parse(reply.text) as { update?: unknown }).update ?? null;
      if (update !== null) {
        stats.nodes.manifests++;
        const check = checkUpdateManifest(update, this.version);
        if (!check.ok) {
          stats.nodes.manifestsInvalid++;
          noteError(stats, `node ${this.options.hostname}: manifest refused (${check.reason})`);
        }
      }
    } catch (error) {
      stats.nodes.reportsFailed++;
      if (this.reporting) {
        this.reporting = false;
        stats.nodes.reporting--;
      }
      if (!this.stopped) noteError(stats, `node ${this.options.hostname}: ${(error as Error).message}`);
    }
  }

  private async post(path: string, body: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`${this.options.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [NODE_SECRET_HEADER]: this.options.secret },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, text: await res.text() };
  }
}
