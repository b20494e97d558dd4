import { ChannelUrlError, mask, type NotificationProvider, postJson, segments, yes } from './notification-provider';

/**
 * Gotify, Shoutrrr's form `gotify://host[:port][/path]/<app token>[?disabletls=yes&priority=…]`:
 * posts `{title, message, priority}` to `<scheme>://host[/path]/message` with the app token in
 * the X-Gotify-Key header.
 */
export const gotifyProvider: NotificationProvider = {
  kind: 'gotify',
  schemes: ['gotify'],
  check(url) {
    if (!url.hostname || segments(url).length < 1) throw new ChannelUrlError('a Gotify URL is gotify://host[/path]/<app token>');
  },
  redact(url) {
    const parts = segments(url);
    return `gotify://${url.host}/${[...parts.slice(0, -1), mask(parts.at(-1) ?? '')].join('/')}`;
  },
  send(url, message, context) {
    const parts = segments(url);
    const token = parts.at(-1)!;
    const scheme = yes(url.searchParams.get('disabletls')) ? 'http' : 'https';
    const base = [url.host, ...parts.slice(0, -1)].join('/');
    const priority = Number(url.searchParams.get('priority') ?? (message.severity === 'critical' ? 8 : message.severity === 'warning' ? 5 : 2));
    return postJson(`${scheme}://${base}/message`, { title: message.title, message: message.text, priority }, context, { 'x-gotify-key': token });
  },
};
