/**
 * WebSocket paths with parameters, e.g. `/api/v1/ws/logs/:serverId`. Nest's own WsAdapter
 * matches exact paths only.
 */
export interface WsPathPattern {
  readonly pattern: string;
  match(pathname: string): Record<string, string> | null;
}

export function compileWsPath(pattern: string): WsPathPattern {
  const names: string[] = [];
  const source = pattern
    .replace(/\/+$/, '')
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        names.push(part.slice(1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const regex = new RegExp(`^${source}/?$`);
  return {
    pattern,
    match(pathname) {
      const m = regex.exec(pathname);
      if (!m) return null;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(m[i + 1]!);
        } catch {
          params[name] = m[i + 1]!;
        }
      });
      return params;
    },
  };
}

/** The parameters of a request URL against a gateway's path pattern (empty when none). */
export function wsPathParams(pattern: string, url: string | undefined): Record<string, string> {
  const pathname = new URL(url ?? '/', 'ws://pharos/').pathname.replace(/\/{2,}/g, '/');
  return compileWsPath(pattern).match(pathname) ?? {};
}
