import { Injectable } from '@nestjs/common';
import {
  LIGHTD_TOKEN_MINT_PATH,
  LIGHTD_VENDOR_ACCEPT,
  lightdContainerStatusPath,
  type LightdInstallStatusReply,
  lightdInstallStatusReply,
  type LightdTokenRequest,
  lightdTokenReply,
} from '@pharos/protocol';

/** A daemon whose own API Pharos calls: its base URL and its master API token. */
export interface DaemonApi {
  /** e.g. `Lightd daemon "node-7"`, for messages. */
  label: string;
  apiUrl: string;
  /** Lightd's `authorization.token`: never logged, never in a message. */
  apiToken: string;
}

/** A call to a daemon's API failed; `status` when it answered, `notServed` for 404/405 (an older Lightd). */
export class LightdApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LightdApiError';
  }

  get notServed(): boolean {
    return this.status === 404 || this.status === 405;
  }
}

/**
 * Pharos as a client of Lightd v2's own HTTP API (docs/protocols/lightd-remote.md §6): socket
 * tokens from `POST /auth/tokens`, and a container's install state from
 * `GET /containers/{id}/status`. Every call sends the master token and the vendor `Accept`
 * (REST routes need both; the mint route needs neither in v2 HEAD, and a later Lightd may).
 */
@Injectable()
export class LightdApiClient {
  /** A token the container socket accepts, valid `ttlSeconds` and not removed on use (§4). */
  async mintSocketToken(daemon: DaemonApi, ttlSeconds: number, timeoutMs: number): Promise<string> {
    const request: LightdTokenRequest = { ttl: String(Math.max(1, Math.round(ttlSeconds))), remove_on_use: false };
    const reply = await this.call(daemon, 'POST', LIGHTD_TOKEN_MINT_PATH, timeoutMs, request);
    const decoded = lightdTokenReply.validate(reply);
    if (!decoded.ok) throw new LightdApiError(`${daemon.label} answered POST ${LIGHTD_TOKEN_MINT_PATH} without a token`);
    return decoded.value.token;
  }

  /** Lightd's own record of a container's install (404 → LightdApiError with status 404). */
  async installStatus(daemon: DaemonApi, internalId: string, timeoutMs: number): Promise<LightdInstallStatusReply> {
    const path = lightdContainerStatusPath(internalId);
    const decoded = lightdInstallStatusReply.validate(await this.call(daemon, 'GET', path, timeoutMs));
    if (!decoded.ok) throw new LightdApiError(`${daemon.label} answered GET ${path} with an unexpected body (${decoded.error.path}: ${decoded.error.message})`);
    return decoded.value;
  }

  private async call(daemon: DaemonApi, method: 'GET' | 'POST', path: string, timeoutMs: number, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { authorization: `Bearer ${daemon.apiToken}`, accept: LIGHTD_VENDOR_ACCEPT };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${daemon.apiUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : scrub((error as Error).message, daemon);
      throw new LightdApiError(`${daemon.label} is unreachable (${method} ${path}): ${reason}`);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const said = text.length > 0 && text.length <= 300 ? `: ${scrub(text, daemon)}` : '';
      throw new LightdApiError(`${daemon.label} answered ${method} ${path} with HTTP ${response.status}${said}`, response.status);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new LightdApiError(`${daemon.label} answered ${method} ${path} with something that is not JSON`, response.status);
    }
  }
}

function scrub(text: string, daemon: DaemonApi): string {
  return text.split(daemon.apiToken).join('[redacted]');
}
