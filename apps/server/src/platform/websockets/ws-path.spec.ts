import { compileWsPath, wsPathParams } from './ws-path';

describe('WebSocket path patterns', () => {
  it('matches exact paths', () => {
    const p = compileWsPath('/api/v1/agents/ws');
    expect(p.match('/api/v1/agents/ws')).toEqual({});
    expect(p.match('/api/v1/agents/ws/')).toEqual({});
    expect(p.match('/api/v1/agents/wsx')).toBeNull();
  });

  it('extracts parameters', () => {
    const p = compileWsPath('/api/v1/ws/containers/:id/console');
    expect(p.match('/api/v1/ws/containers/abc-1/console')).toEqual({ id: 'abc-1' });
    expect(p.match('/api/v1/ws/containers//console')).toBeNull();
    expect(p.match('/api/v1/ws/containers/a/b/console')).toBeNull();
  });

  it('reads parameters from a request URL with a query string', () => {
    expect(wsPathParams('/api/v1/ws/logs/:serverId', '/api/v1/ws/logs/s%201?x=1')).toEqual({ serverId: 's 1' });
  });
});
