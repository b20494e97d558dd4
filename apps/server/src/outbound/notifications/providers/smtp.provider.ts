import nodemailer from 'nodemailer';
import { ChannelUrlError, describeError, type NotificationProvider, redactQuery, yes } from './notification-provider';

const ENCRYPTIONS = ['auto', 'none', 'explicit', 'implicit'] as const;

/**
 * E-mail, Shoutrrr's form `smtp://[user:password@]host[:port]/?from=…&to=a,b[&encryption=…]`,
 * sent by nodemailer. `encryption`: `implicit` (TLS from the start; the default on port 465),
 * `explicit` (STARTTLS required), `none`, or `auto` (STARTTLS when offered; the default);
 * `skiptlsverify=yes` accepts a self-signed certificate.
 */
export const smtpProvider: NotificationProvider = {
  kind: 'smtp',
  schemes: ['smtp'],
  check(url) {
    if (!url.hostname) throw new ChannelUrlError('an SMTP URL names its host: smtp://user:password@host:587/?from=…&to=…');
    if (!url.searchParams.get('from')) throw new ChannelUrlError('an SMTP URL needs ?from=<address>');
    if (!url.searchParams.get('to')) throw new ChannelUrlError('an SMTP URL needs &to=<address>[,…]');
    const encryption = url.searchParams.get('encryption');
    if (encryption && !(ENCRYPTIONS as readonly string[]).includes(encryption)) throw new ChannelUrlError(`encryption must be one of ${ENCRYPTIONS.join(', ')}`);
  },
  redact(url) {
    const auth = url.username ? `${url.username}:***@` : '';
    return `smtp://${auth}${url.host}/${redactQuery(url, ['password'])}`;
  },
  async send(url, message, context) {
    const port = Number(url.port || 587);
    const encryption = url.searchParams.get('encryption') ?? (port === 465 ? 'implicit' : 'auto');
    const transport = nodemailer.createTransport({
      host: url.hostname,
      port,
      secure: encryption === 'implicit',
      requireTLS: encryption === 'explicit' || yes(url.searchParams.get('usestarttls')),
      ignoreTLS: encryption === 'none',
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      tls: { rejectUnauthorized: !yes(url.searchParams.get('skiptlsverify')) },
      connectionTimeout: context.settings.requestTimeoutMs,
      greetingTimeout: context.settings.requestTimeoutMs,
      socketTimeout: context.settings.requestTimeoutMs,
    });
    try {
      await transport.sendMail({
        from: url.searchParams.get('from')!,
        to: url.searchParams.get('to')!.split(',').map((a) => a.trim()),
        subject: url.searchParams.get('subject') ?? message.title,
        text: message.text,
        headers: { 'X-Pharos-Idempotency-Key': message.idempotencyKeys.join(',') },
      });
      return { ok: true, statusCode: 250 };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      return { ok: false, ...(code ? { statusCode: code } : {}), error: describeError(error) };
    } finally {
      transport.close();
    }
  },
};
