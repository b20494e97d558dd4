import {
  type LightdBillingEvent,
  type LightdContainerStatus,
  type LightdErrorUpdate,
  type LightdStatusUpdate,
} from '@pharos/protocol';

export interface LightdAnswer<T = any> {
  status: number;
  body: T;
  text: string;
}

/** The f64 fields of a billing event: serde writes them with a decimal point (`2.0`). */
const FLOAT_FIELDS = ['memory_gb', 'cpu_vcpus', 'storage_gb', 'egress_gb', 'duration_hours', 'estimated_cost'];

/**
 * Lightd's remote client as docs/protocols/lightd-remote.md describes it: paths appended to
 * `remote.url` by string formatting (a trailing slash gives `//health`), the configured token
 * sent as `Authorization: Bearer <token>`, JSON bodies whose absent fields are omitted (never
 * null), floats written as serde writes them, and a 10 s timeout on every request.
 */
export class LightdEmulator {
  constructor(readonly remote: { url: string; token: string }) {}

  /** Lightd's health check: what it needs back to log "Remote health check: OK". */
  async healthCheck(): Promise<LightdAnswer & { ok: boolean }> {
    const answer = await this.call('GET', '/health');
    const ok = answer.status >= 200 && answer.status < 300 && answer.body?.status === 200 && answer.body?.endpoint === 'active';
    return { ...answer, ok };
  }

  sendStatus(server: string, status: LightdContainerStatus): Promise<LightdAnswer> {
    const body: LightdStatusUpdate = { event: 'update', server, status };
    return this.call('POST', '/update', JSON.stringify(body));
  }

  sendError(server: string, error: string, data?: string): Promise<LightdAnswer> {
    const body: LightdErrorUpdate = { event: 'update', server, error, ...(data !== undefined ? { data } : {}) };
    return this.call('POST', '/update', JSON.stringify(body));
  }

  sendBilling(server: string, usage: Omit<LightdBillingEvent, 'event' | 'server'>): Promise<LightdAnswer> {
    const body: LightdBillingEvent = { event: 'billing', server, ...usage };
    let json = JSON.stringify(body);
    for (const field of FLOAT_FIELDS) json = json.replace(new RegExp(`("${field}":-?\\d+)(?=[,}])`), '$1.0');
    return this.call('POST', '/update', json);
  }

  /** A body exactly as given (for event kinds newer than this emulator, and bad input). */
  sendRaw(json: string): Promise<LightdAnswer> {
    return this.call('POST', '/update', json);
  }

  getConfig(): Promise<LightdAnswer> {
    return this.call('GET', '/config');
  }

  postConfig(config: unknown): Promise<LightdAnswer> {
    return this.call('POST', '/config', JSON.stringify(config));
  }

  /**
   * Create, as Lightd v2's install job reports it (lifecycle.rs): Started and CreatingContainer
   * (both `installing`), Ready, then Started again from the post-start check (`installing`).
   * One at a time, each answered before the next (FakeLightdDaemon sends them as Lightd does).
   */
  async install(server: string): Promise<LightdAnswer[]> {
    const answers: LightdAnswer[] = [];
    for (const status of ['installing', 'installing', 'ready', 'installing'] as const) answers.push(await this.sendStatus(server, status));
    return answers;
  }

  /** Error lifecycle event: an error update with `"error":"failed"`. */
  fail(server: string, details: string): Promise<LightdAnswer> {
    return this.sendError(server, 'failed', details);
  }

  /** ReinstallStarted (`installing`), then the install job's four updates. */
  async reinstall(server: string): Promise<LightdAnswer[]> {
    return [await this.sendStatus(server, 'installing'), ...(await this.install(server))];
  }

  private async call(method: 'GET' | 'POST', path: string, body?: string): Promise<LightdAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.remote.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.remote.url}${path}`, { method, headers, body, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text };
  }
}
