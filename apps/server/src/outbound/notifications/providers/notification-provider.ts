import type { NotificationSettings } from '../../../platform/config/pharos-config';
import type { NotificationEvent, NotifiedAlert } from '../../../fleet/notifications/notification-message';

/** What one delivery says: one alert, or several that came due together (grouped), or a test. */
export interface OutgoingMessage {
  /** One line: "[FIRING] Server offline on web-1", "3 alerts: 2 firing, 1 resolved". */
  title: string;
  /** The body as plain text, one line per alert. */
  text: string;
  event: NotificationEvent | 'grouped';
  severity: 'warning' | 'critical' | 'info';
  alerts: { event: NotificationEvent; alert: NotifiedAlert }[];
  /** One per outbox row in the message; a receiver drops a delivery whose keys it has seen. */
  idempotencyKeys: string[];
}

export interface SendContext {
  settings: NotificationSettings;
  /** The webhook channel's signing secret, when it has one. */
  secret?: string;
}

export interface DeliveryResult {
  ok: boolean;
  statusCode?: number;
  error?: string;
}

/** A channel URL the provider cannot use; the message names what is wrong with it. */
export class ChannelUrlError extends Error {}

/**
 * One kind of channel, configured by one URL (the forms Shoutrrr documents where it has
 * one). The registry (`providers.ts`) picks it by the URL's scheme.
 */
export interface NotificationProvider {
  readonly kind: string;
  readonly schemes: readonly string[];
  /** Throws ChannelUrlError when the URL lacks what sending needs. */
  check(url: URL): void;
  /** The URL with its tokens and passwords masked, as the API shows it. */
  redact(url: URL): string;
  send(url: URL, message: OutgoingMessage, context: SendContext): Promise<DeliveryResult>;
}

/** Masks all but the first two characters of a token. */
export function mask(token: string): string {
  return token.length <= 4 ? '***' : `${token.slice(0, 2)}***`;
}

/** A URL query's values with the named ones masked. */
export function redactQuery(url: URL, secretParams: readonly string[] = []): string {
  const entries = [...url.searchParams].map(([k, v]) => `${k}=${secretParams.includes(k.toLowerCase()) ? '***' : v}`);
  return entries.length ? `?${entries.join('&')}` : '';
}

/** True for "yes", "true", "1" (Shoutrrr's booleans). */
export function yes(value: string | null): boolean {
  return value !== null && ['yes', 'true', '1', 'on'].includes(value.toLowerCase());
}

/**
 * POSTs a body; a 2xx answer is delivered, anything else (or no answer within the limit) is
 * a failure to retry. The answer's first 300 characters are kept with the attempt.
 */
export async function post(target: string, body: string, headers: Record<string, string>, context: SendContext, method = 'POST'): Promise<DeliveryResult> {
  try {
    const response = await fetch(target, { method, headers, body, signal: AbortSignal.timeout(context.settings.requestTimeoutMs), redirect: 'error' });
    const text = await response.text().catch(() => '');
    if (response.ok) return { ok: true, statusCode: response.status };
    return { ok: false, statusCode: response.status, error: `HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}` };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

export function postJson(target: string, payload: unknown, context: SendContext, headers: Record<string, string> = {}): Promise<DeliveryResult> {
  return post(target, JSON.stringify(payload), { 'content-type': 'application/json', ...headers }, context);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

/** Path segments of a URL, decoded, without empty ones. */
export function segments(url: URL): string[] {
  return url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
}
