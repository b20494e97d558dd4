import { requiredScope, scopesAllowedFor, scopesGrant } from './api-token-scope';

describe('API token scopes', () => {
  it('takes the declared scope, then admin for admin-only routes, then the method', () => {
    expect(requiredScope('POST', ['admin'], 'commands:run')).toBe('commands:run');
    expect(requiredScope('GET', ['admin'], undefined)).toBe('admin');
    expect(requiredScope('GET', undefined, undefined)).toBe('fleet:read');
    expect(requiredScope('HEAD', [], undefined)).toBe('fleet:read');
    expect(requiredScope('PATCH', undefined, undefined)).toBe('admin');
    expect(requiredScope('DELETE', ['admin', 'viewer'], undefined)).toBe('admin');
  });

  it('lets admin cover every scope and nothing else cover another', () => {
    expect(scopesGrant(['admin'], 'releases:manage')).toBe(true);
    expect(scopesGrant(['fleet:read'], 'fleet:read')).toBe(true);
    expect(scopesGrant(['fleet:read'], 'commands:run')).toBe(false);
    expect(scopesGrant(['commands:run'], 'fleet:read')).toBe(false);
    expect(scopesGrant([], 'fleet:read')).toBe(false);
  });

  it('lets a viewer give a token only reading', () => {
    expect(scopesAllowedFor('viewer')).toEqual(['fleet:read']);
    expect(scopesAllowedFor('admin')).toEqual(['fleet:read', 'commands:run', 'releases:manage', 'admin']);
  });
});
