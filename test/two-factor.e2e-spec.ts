import { PrismaService } from '@pharos/database';
import { Secret, TOTP, URI } from 'otpauth';
import { startPharos, TEST_ADMIN_PASSWORD, type RunningPharos } from './support/pharos-test-app';

/** What an authenticator app shows for `secret`, `steps` 30-second steps from now. */
const codeOf = (secret: string, steps = 0) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + steps * 30_000 });

/** Two-factor sign-in over real HTTP and PostgreSQL: codes are made here from the secret in the URI, as an app would. */
describe('two-factor sign-in', () => {
  let pharos: RunningPharos;
  let prisma: PrismaService;
  let admin: string;

  const login = (username: string, password = `${username}-password`) => pharos.request('/api/v1/auth/login', { body: { username, password } });
  const secondStep = (body: Record<string, unknown>) => pharos.request('/api/v1/auth/login/two-factor', { body });
  const createUser = async (username: string, role: 'admin' | 'viewer' = 'viewer') => {
    const res = await pharos.request('/api/v1/users', { token: admin, body: { username, password: `${username}-password`, role } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  /** Signs `username` in (no second factor yet) and enrols them on the account routes. */
  const enrolled = async (username: string) => {
    const token = (await login(username)).body.accessToken as string;
    const started = await pharos.request('/api/v1/account/two-factor/totp/enrol', { method: 'POST', token });
    expect(started.status).toBe(200);
    const secret = (URI.parse(started.body.otpauthUri) as TOTP).secret.base32;
    const confirmed = await pharos.request('/api/v1/account/two-factor/totp/confirm', { token, body: { code: codeOf(secret) } });
    expect(confirmed.status).toBe(200);
    return { token, secret, recoveryCodes: confirmed.body.recoveryCodes as string[] };
  };
  const challengeOf = async (username: string) => {
    const res = await login(username);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ twoFactorRequired: true, next: 'code', challenge: expect.any(String), expiresIn: 300 });
    return res.body.challenge as string;
  };

  beforeAll(async () => {
    pharos = await startPharos({ env: { LOGIN_MAX_FAILURES: '4' } });
    prisma = pharos.app.get(PrismaService);
    admin = await pharos.login();
  });
  afterAll(() => pharos.close());

  it('enrols with a QR code and the secret as text, confirmed by a code; the secret is stored sealed, the recovery codes hashed', async () => {
    const id = await createUser('alice');
    const token = (await login('alice')).body.accessToken as string;
    expect((await pharos.request('/api/v1/account/two-factor', { token })).body).toEqual({ enabled: false, enabledAt: null, pending: false, required: false, recoveryCodesLeft: 0 });

    const started = await pharos.request('/api/v1/account/two-factor/totp/enrol', { method: 'POST', token });
    expect(started.status).toBe(200);
    const { secret, otpauthUri, qrCodeDataUrl } = started.body;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = URI.parse(otpauthUri) as TOTP;
    expect(uri).toMatchObject({ issuer: 'Pharos', label: 'alice', digits: 6, period: 30 });
    expect(uri.secret.base32).toBe(secret);
    expect(qrCodeDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    expect((await pharos.request('/api/v1/account/two-factor', { token })).body).toMatchObject({ enabled: false, pending: true });

    const wrong = await pharos.request('/api/v1/account/two-factor/totp/confirm', { token, body: { code: codeOf(secret, 5) } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.message).toBe('invalid two-factor code');
    const malformed = await pharos.request('/api/v1/account/two-factor/totp/confirm', { token, body: { code: '12ab56' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.field).toBe('code');

    const confirmed = await pharos.request('/api/v1/account/two-factor/totp/confirm', { token, body: { code: codeOf(secret) } });
    expect(confirmed.status).toBe(200);
    const codes = confirmed.body.recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect((await pharos.request('/api/v1/account/two-factor', { token })).body).toMatchObject({ enabled: true, pending: false, recoveryCodesLeft: 10 });
    expect((await pharos.request('/api/v1/account/two-factor/totp/enrol', { method: 'POST', token })).status).toBe(409);

    const row = await prisma.userTwoFactor.findUniqueOrThrow({ where: { userId: id } });
    expect(row.totpSecretSealed).toMatch(/^v1\./);
    expect(row.totpSecretSealed).not.toContain(secret);
    const stored = await prisma.twoFactorRecoveryCode.findMany({ where: { userId: id } });
    expect(stored).toHaveLength(10);
    for (const code of codes) expect(stored.map((r) => r.codeHash)).not.toContain(code);
  });

  it('answers a challenge instead of a session after the password, and the session after the code; the same code twice is refused', async () => {
    await createUser('bob');
    const { secret } = await enrolled('bob');
    const challenged = await login('bob');
    expect(challenged.body.accessToken).toBeUndefined();
    expect(challenged.body.refreshToken).toBeUndefined();
    const challenge = await challengeOf('bob');

    // The enrolment used this step's code; the next step's is accepted too (±1 step).
    const code = codeOf(secret, 1);
    const signedIn = await secondStep({ challenge, code });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ tokenType: 'Bearer', user: { username: 'bob' }, refreshToken: expect.any(String) });
    expect(signedIn.body.recoveryCodes).toBeUndefined();
    expect((await pharos.request('/api/v1/auth/me', { token: signedIn.body.accessToken })).body.username).toBe('bob');

    const replayed = await secondStep({ challenge: await challengeOf('bob'), code });
    expect(replayed.status).toBe(401);
    expect(replayed.body.message).toBe('invalid two-factor code');
    // An older code than the last one used is refused as well.
    expect((await secondStep({ challenge: await challengeOf('bob'), code: codeOf(secret) })).status).toBe(401);
  });

  it('counts wrong codes against the login throttle: after LOGIN_MAX_FAILURES even the right code and the password are refused', async () => {
    await createUser('carol');
    const { secret } = await enrolled('carol');
    const challenge = await challengeOf('carol');
    const right = codeOf(secret, 1);
    const wrong = right === '000000' ? '000001' : '000000';
    for (let i = 0; i < 4; i++) {
      const res = await secondStep({ challenge, code: wrong });
      expect(res.status).toBe(401);
    }
    const throttled = await secondStep({ challenge, code: right });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await login('carol')).status).toBe(429);
  });

  it('signs in with a recovery code once; the same recovery code again is refused', async () => {
    const id = await createUser('dave');
    const { token, recoveryCodes } = await enrolled('dave');
    const [first] = recoveryCodes as [string];

    const used = await secondStep({ challenge: await challengeOf('dave'), recoveryCode: first.toUpperCase() });
    expect(used.status).toBe(200);
    expect(used.body.user.username).toBe('dave');
    const again = await secondStep({ challenge: await challengeOf('dave'), recoveryCode: first });
    expect(again.status).toBe(401);
    expect((await pharos.request('/api/v1/account/two-factor', { token })).body.recoveryCodesLeft).toBe(9);
    expect(await prisma.twoFactorRecoveryCode.count({ where: { userId: id, usedAt: { not: null } } })).toBe(1);

    const both = await secondStep({ challenge: await challengeOf('dave'), recoveryCode: recoveryCodes[1], code: '123456' });
    expect(both.status).toBe(400);
    expect((await secondStep({ challenge: await challengeOf('dave') })).status).toBe(400);
  });

  it('refuses a forged, damaged or voided challenge', async () => {
    const id = await createUser('erin');
    const { secret } = await enrolled('erin');
    const challenge = await challengeOf('erin');
    const damaged = `${challenge.slice(0, -4)}AAAA`;
    const refused = await secondStep({ challenge: damaged, code: codeOf(secret, 1) });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('the sign-in challenge is invalid or has expired: sign in again');
    expect((await secondStep({ challenge: 'v1.a.b.c', code: codeOf(secret, 1) })).status).toBe(401);

    // A password reset in between voids it (the user's token version moved on).
    expect((await pharos.request(`/api/v1/users/${id}/password`, { token: admin, body: { password: 'erin-password' } })).status).toBe(200);
    expect((await secondStep({ challenge, code: codeOf(secret, 1) })).status).toBe(401);
  });

  it('regenerates recovery codes with a code (the old ones stop working), audited with each sign-in', async () => {
    const id = await createUser('frank');
    const { token, secret, recoveryCodes } = await enrolled('frank');
    const regenerated = await pharos.request('/api/v1/account/two-factor/recovery-codes', { token, body: { code: codeOf(secret, 1) } });
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.recoveryCodes).toHaveLength(10);
    expect((await secondStep({ challenge: await challengeOf('frank'), recoveryCode: recoveryCodes[0] })).status).toBe(401);
    expect((await secondStep({ challenge: await challengeOf('frank'), recoveryCode: regenerated.body.recoveryCodes[0] })).status).toBe(200);

    const audit = await prisma.auditEntry.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.actorName, a.action, a.data])).toEqual([
      ['admin', 'user.create', { username: 'frank', role: 'viewer' }],
      ['frank', 'auth.sign_in', { method: 'password' }],
      ['frank', 'two_factor.enable', { username: 'frank' }],
      ['frank', 'two_factor.recovery_codes_regenerate', { username: 'frank' }],
      ['frank', 'auth.sign_in', { method: 'password+recovery code' }],
    ]);
  });

  it('turns off with the password and a code, audited; the next sign-in needs the password alone', async () => {
    const id = await createUser('hank');
    const { token, secret } = await enrolled('hank');
    const disable = (body: unknown) => pharos.request('/api/v1/account/two-factor/totp/disable', { token, body });
    const wrongPassword = await disable({ password: 'not-hanks', code: codeOf(secret, 1) });
    expect(wrongPassword.status).toBe(403);
    expect(wrongPassword.body.message).toBe('wrong password or two-factor code');
    expect((await prisma.userTwoFactor.findUniqueOrThrow({ where: { userId: id } })).totpConfirmedAt).not.toBeNull();

    expect((await disable({ password: 'hank-password', code: codeOf(secret, 1) })).status).toBe(204);
    expect((await login('hank')).body.accessToken).toEqual(expect.any(String));
    expect(await prisma.twoFactorRecoveryCode.count({ where: { userId: id } })).toBe(0);
    expect((await disable({ password: 'hank-password', code: '123456' })).status).toBe(409);
    const audit = await prisma.auditEntry.findMany({ where: { targetId: id, action: { startsWith: 'two_factor.' } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['two_factor.enable', 'two_factor.disable']);
  });

  it('lets an admin require it of a user (who then enrols after the password) and reset it, audited', async () => {
    const id = await createUser('gina');
    expect((await pharos.request('/api/v1/users/two-factor', { token: await login('gina').then((r) => r.body.accessToken) })).status).toBe(403);
    const required = await pharos.request(`/api/v1/users/${id}/two-factor`, { method: 'PATCH', token: admin, body: { required: true } });
    expect(required.status).toBe(200);
    expect(required.body).toEqual({ userId: id, required: true, requiredByPolicy: false, enabled: false });
    expect((await pharos.request(`/api/v1/users/${id}/two-factor`, { method: 'PATCH', token: admin, body: { required: 'yes' } })).status).toBe(400);
    expect((await pharos.request('/api/v1/users/not-a-uuid/two-factor', { method: 'PATCH', token: admin, body: { required: true } })).status).toBe(404);

    const { secret, session } = await enrolAtSignIn(pharos, 'gina', 'gina-password');
    expect(session.user.username).toBe('gina');
    const listed = await pharos.request('/api/v1/users/two-factor', { token: admin });
    expect(listed.body.items.find((u: any) => u.userId === id)).toEqual({ userId: id, required: true, requiredByPolicy: false, enabled: true });

    const reset = await pharos.request(`/api/v1/users/${id}/two-factor`, { method: 'DELETE', token: admin });
    expect(reset.status).toBe(204);
    // Still required: the next sign-in enrols again; the old secret's codes are worth nothing.
    const after = await login('gina');
    expect(after.body).toMatchObject({ twoFactorRequired: true, next: 'enrol' });
    expect((await secondStep({ challenge: after.body.challenge, code: codeOf(secret, 1) })).status).toBe(409);

    const audit = await prisma.auditEntry.findMany({ where: { targetId: id, action: { startsWith: 'user.two_factor' } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.actorName, a.action, a.data])).toEqual([
      ['admin', 'user.two_factor_required', { username: 'gina', required: true }],
      ['admin', 'user.two_factor_reset', { username: 'gina' }],
    ]);
  });
});

/** Signs in a user who must enrol: challenge, enrolment on the challenge, then the first code. */
async function enrolAtSignIn(pharos: RunningPharos, username: string, password: string) {
  const res = await pharos.request('/api/v1/auth/login', { body: { username, password } });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ twoFactorRequired: true, next: 'enrol', challenge: expect.any(String), expiresIn: 900 });
  const { challenge } = res.body;
  // A code before there is a secret to confirm: nothing to do yet.
  expect((await pharos.request('/api/v1/auth/login/two-factor', { body: { challenge, code: '123456' } })).status).toBe(409);
  const enrolment = await pharos.request('/api/v1/auth/login/two-factor/enrol', { body: { challenge } });
  expect(enrolment.status).toBe(200);
  const secret = (URI.parse(enrolment.body.otpauthUri) as TOTP).secret.base32;
  expect(secret).toBe(enrolment.body.secret);
  const done = await pharos.request('/api/v1/auth/login/two-factor', { body: { challenge, code: codeOf(secret) } });
  expect(done.status).toBe(200);
  expect(done.body.recoveryCodes).toHaveLength(10);
  expect(done.body.accessToken).toEqual(expect.any(String));
  return { secret, session: done.body };
}

describe('two-factor sign-in required for every admin (AUTH_REQUIRE_TWO_FACTOR_FOR_ADMINS)', () => {
  let pharos: RunningPharos;

  beforeAll(async () => {
    pharos = await startPharos({ env: { AUTH_REQUIRE_TWO_FACTOR_FOR_ADMINS: 'true' } });
  });
  afterAll(() => pharos.close());

  it('gives an admin without it an enrolment-only challenge, never a session; viewers sign in as before', async () => {
    const first = await pharos.request('/api/v1/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD } });
    expect(first.body.accessToken).toBeUndefined();
    // The enrolment challenge is no code challenge, nor an access token.
    expect((await pharos.request('/api/v1/auth/login/two-factor', { body: { challenge: first.body.challenge, recoveryCode: 'aaaa-bbbb-cccc-dddd' } })).status).toBe(400);
    expect((await pharos.request('/api/v1/auth/me', { token: first.body.challenge })).status).toBe(401);

    const { secret, session } = await enrolAtSignIn(pharos, 'admin', TEST_ADMIN_PASSWORD);
    const admin = session.accessToken as string;
    const status = await pharos.request('/api/v1/account/two-factor', { token: admin });
    expect(status.body).toMatchObject({ enabled: true, required: true, recoveryCodesLeft: 10 });
    const listed = await pharos.request('/api/v1/users/two-factor', { token: admin });
    expect(listed.body.items).toEqual([{ userId: session.user.id, required: false, requiredByPolicy: true, enabled: true }]);

    const next = await pharos.request('/api/v1/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD } });
    expect(next.body).toMatchObject({ twoFactorRequired: true, next: 'code' });
    const signedIn = await pharos.request('/api/v1/auth/login/two-factor', { body: { challenge: next.body.challenge, code: codeOf(secret, 1), refreshCookie: true } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.refreshToken).toBeUndefined();
    expect(signedIn.headers.get('set-cookie')).toContain('HttpOnly');

    expect((await pharos.request('/api/v1/users', { token: admin, body: { username: 'vera', password: 'vera-password', role: 'viewer' } })).status).toBe(201);
    const viewer = await pharos.request('/api/v1/auth/login', { body: { username: 'vera', password: 'vera-password' } });
    expect(viewer.body.accessToken).toEqual(expect.any(String));

    const prisma = pharos.app.get(PrismaService);
    const signIns = await prisma.auditEntry.findMany({ where: { action: 'auth.sign_in' }, orderBy: { id: 'asc' } });
    expect(signIns.map((a) => [a.actorName, a.data])).toEqual([
      ['admin', { method: 'password+totp' }],
      ['admin', { method: 'password+totp' }],
      ['vera', { method: 'password' }],
    ]);
  });
});
