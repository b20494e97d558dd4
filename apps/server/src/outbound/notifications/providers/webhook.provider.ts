import { createHmac } from 'node:crypto';
import { type NotificationProvider, type OutgoingMessage, post, type SendContext } from './notification-provider';

/** The signature header: `sha256=<hex HMAC-SHA256 of the raw body>` under the channel's secret. */
export const SIGNATURE_HEADER = 'x-pharos-signature-256';

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A generic JSON webhook: `https://…` (or `http://…`), optionally signed. */
export const webhookProvider: NotificationProvider = {
  kind: 'webhook',
  schemes: ['https', 'http'],
  check() {},
  redact(url) {
    const path = url.pathname === '/' ? '' : '/…';
    return `${url.protocol}//${url.host}${path}`;
  },
  async send(url, message: OutgoingMessage, context: SendContext) {
    const payload = {
      event: message.event,
      title: message.title,
      text: message.text,
      severity: message.severity,
      idempotency_keys: message.idempotencyKeys,
      alerts: message.alerts.map(({ event, alert }) => ({ event, ...alert })),
    };
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'idempotency-key': message.idempotencyKeys.join(',') };
    if (context.secret) headers[SIGNATURE_HEADER] = signBody(body, context.secret);
    // The signature is of these exact bytes.
    return post(url.toString(), body, { 'content-type': 'application/json', ...headers }, context);
  },
};
