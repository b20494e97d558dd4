/**
 * Lightd's container socket for a daemon API base URL: `http://node-7:8070` →
 * `ws://node-7:8070/ws/<internal_id>?token=<token>` (https → wss; a path prefix is kept).
 * The result holds the daemon's token: log `withoutToken(url)`, never the URL itself.
 */
export function lightdContainerSocketUrl(apiUrl: string, internalId: string, token: string): string {
  const url = new URL(apiUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws/${encodeURIComponent(internalId)}`;
  url.search = '';
  url.hash = '';
  url.searchParams.set('token', token);
  return url.toString();
}

/** The URL as logs and messages may show it. */
export function withoutToken(socketUrl: string): string {
  const url = new URL(socketUrl);
  url.search = '';
  return url.toString();
}
