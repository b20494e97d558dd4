import { ChannelUrlError, type NotificationProvider, post, redactQuery, segments } from './notification-provider';

/**
 * ntfy, Shoutrrr's form `ntfy://[user:password@]host[:port]/topic[?scheme=http&priority=4&tags=…]`:
 * publishes the text to `<scheme>://host/topic` with the Title, Priority and Tags headers
 * (basic auth when a user is given). Host ntfy.sh when the URL says `ntfy://ntfy.sh/topic`.
 */
export const ntfyProvider: NotificationProvider = {
  kind: 'ntfy',
  schemes: ['ntfy'],
  check(url) {
    if (!url.hostname || segments(url).length !== 1) throw new ChannelUrlError('an ntfy URL is ntfy://[user:password@]host/topic');
    const scheme = url.searchParams.get('scheme');
    if (scheme && scheme !== 'http' && scheme !== 'https') throw new ChannelUrlError('ntfy scheme must be http or https');
  },
  redact(url) {
    const auth = url.username ? `${url.username}:***@` : '';
    return `ntfy://${auth}${url.host}${url.pathname}${redactQuery(url)}`;
  },
  send(url, message, context) {
    const scheme = url.searchParams.get('scheme') ?? 'https';
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      Title: encodeHeader(message.title),
      Priority: url.searchParams.get('priority') ?? (message.severity === 'critical' ? '5' : message.severity === 'warning' ? '4' : '3'),
      Tags: url.searchParams.get('tags') ?? (message.event === 'resolved' ? 'white_check_mark' : message.event === 'test' ? 'bell' : 'rotating_light'),
    };
    if (url.username) headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    return post(`${scheme}://${url.host}/${segments(url)[0]}`, message.text, headers, context);
  },
};

/** Header values are Latin-1: anything else is sent as RFC 2047 (ntfy decodes it). */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}
