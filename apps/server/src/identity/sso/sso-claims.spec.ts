import { claimValues, numberedUsername, roleFromClaims, usernameFromClaims } from './sso-claims';
import { USERNAME_PATTERN } from '../users/users.service';

const mapping = { roleClaim: 'groups', adminValues: ['pharos-admins'], viewerValues: ['staff', 'ops'] };

describe('roleFromClaims', () => {
  it('maps a list claim: admin wins over viewer', () => {
    expect(roleFromClaims({ groups: ['ops', 'pharos-admins'] }, mapping)).toBe('admin');
    expect(roleFromClaims({ groups: ['ops'] }, mapping)).toBe('viewer');
  });

  it('takes a single string claim', () => {
    expect(roleFromClaims({ groups: 'staff' }, mapping)).toBe('viewer');
  });

  it('refuses (null) when no value matches, the claim is missing or not strings', () => {
    expect(roleFromClaims({ groups: ['sales'] }, mapping)).toBeNull();
    expect(roleFromClaims({}, mapping)).toBeNull();
    expect(roleFromClaims({ groups: [{ name: 'pharos-admins' }] }, mapping)).toBeNull();
    expect(roleFromClaims({ groups: ['Pharos-Admins'] }, mapping)).toBeNull();
  });

  it('reads a nested claim (Keycloak realm roles)', () => {
    const claims = { realm_access: { roles: ['offline_access', 'pharos-admins'] } };
    expect(claimValues(claims, 'realm_access.roles')).toEqual(['offline_access', 'pharos-admins']);
    expect(roleFromClaims(claims, { ...mapping, roleClaim: 'realm_access.roles' })).toBe('admin');
    expect(claimValues({ realm_access: 'x' }, 'realm_access.roles')).toEqual([]);
  });
});

describe('usernameFromClaims', () => {
  it('prefers preferred_username, then email, then the subject', () => {
    expect(usernameFromClaims({ sub: 's1', preferred_username: 'alice', email: 'a@example.com' })).toBe('alice');
    expect(usernameFromClaims({ sub: 's1', email: 'alice@example.com' })).toBe('alice@example.com');
    expect(usernameFromClaims({ sub: '248289761001' })).toBe('248289761001');
  });

  it('always gives a valid username, whatever the provider sends', () => {
    for (const name of ['Ålice Smith', '  ', '-x', 'a', '名前', 'x'.repeat(300), '../../etc']) {
      const username = usernameFromClaims({ sub: 'z', preferred_username: name });
      expect(username).toMatch(USERNAME_PATTERN);
      expect(numberedUsername(username, 12)).toMatch(USERNAME_PATTERN);
    }
    expect(usernameFromClaims({ sub: 'z', preferred_username: 'Ålice Smith' })).toBe('Alice-Smith');
  });
});
