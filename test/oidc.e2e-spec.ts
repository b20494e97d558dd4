import { PrismaService } from '@pharos/database';
import { RetentionJob } from '../apps/server/src/platform/retention/retention-job';
import { freePort, RedirectingBrowser, TestOidcProvider } from './support/oidc-provider';
import { startPharos, type RunningPharos } from './support/pharos-test-app';

/**
 * Single sign-on against a real OpenID Connect provider (`oidc-provider`, in a child process),
 * driven over real HTTP as a browser would: redirects followed, cookies kept per origin.
 */
describe('single sign-on with OpenID Connect', () => {
  const CLIENT = { clientId: 'pharos-dashboard', clientSecret: 'client-secret-for-tests-0123456789' };
  let provider: TestOidcProvider;
  let pharos: RunningPharos;
  let prisma: PrismaService;
  let adminToken: string;
  /** The Pharos the helpers below drive (`pharos`, or one configured otherwise). */
  let target: RunningPharos;
  /** Ports for the Pharos instances, known before they start: the provider lists their callbacks. */
  let ports: number[];

  /** A Pharos signing in at the provider, with `env` on top of the common SSO settings. */
  function startWithSso(port: number, env: Record<string, string> = {}): Promise<RunningPharos> {
    return startPharos({
      port,
      env: {
        PHAROS_PUBLIC_URL: `http://127.0.0.1:${port}`,
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: CLIENT.clientId,
        OIDC_CLIENT_SECRET: CLIENT.clientSecret,
        OIDC_SCOPES: 'openid profile email groups',
        OIDC_DISPLAY_NAME: 'Test IdP',
        OIDC_ROLE_CLAIM: 'groups',
        OIDC_ADMIN_VALUES: 'pharos-admins',
        OIDC_VIEWER_VALUES: 'staff, ops',
        ...env,
      },
    });
  }

  beforeAll(async () => {
    ports = [await freePort(), await freePort()];
    provider = await TestOidcProvider.start({ ...CLIENT, redirectUris: ports.map((port) => `http://127.0.0.1:${port}/api/v1/auth/oidc/callback`) });
    pharos = target = await startWithSso(ports[0]!);
    prisma = pharos.app.get(PrismaService);
    adminToken = await pharos.login();
  });

  afterAll(async () => {
    await pharos?.close();
    await provider?.stop();
  });

  /** The authorization URL a new sign-in sends the browser to, and the browser holding its state cookie. */
  async function startSignIn(browser = new RedirectingBrowser()): Promise<{ browser: RedirectingBrowser; authorizeUrl: URL }> {
    const res = await browser.fetch(`${target.baseUrl}/api/v1/auth/oidc/start`);
    expect(res.status).toBe(303);
    return { browser, authorizeUrl: new URL(res.headers.get('location')!) };
  }

  /** Follows the provider's redirects up to (not into) Pharos's callback; returns the callback URL. */
  async function callbackFrom(browser: RedirectingBrowser, authorizeUrl: URL): Promise<URL> {
    const callback = await browser.navigate(authorizeUrl.href, (url) => url.pathname === '/api/v1/auth/oidc/callback');
    expect(callback.pathname).toBe('/api/v1/auth/oidc/callback');
    return callback;
  }

  /** Loads the callback; returns where Pharos sent the browser (the dashboard with `signin` or `signin_error`). */
  async function deliver(browser: RedirectingBrowser, callback: URL): Promise<URL> {
    const res = await browser.fetch(callback.href);
    expect(res.status).toBe(303);
    const landing = new URL(res.headers.get('location')!);
    expect(landing.origin + landing.pathname).toBe(`${target.baseUrl}/`);
    return landing;
  }

  /** A whole sign-in as `sub` with `claims`: where the browser lands, and the browser. */
  async function signIn(sub: string, claims: Record<string, unknown>, browser = new RedirectingBrowser()): Promise<{ landing: URL; browser: RedirectingBrowser }> {
    await provider.signInAs(sub, claims);
    const { authorizeUrl } = await startSignIn(browser);
    return { landing: await deliver(browser, await callbackFrom(browser, authorizeUrl)), browser };
  }

  /** What the dashboard does on `?signin=sso`: trades the refresh cookie for its session. */
  async function dashboardSession(browser: RedirectingBrowser): Promise<{ status: number; body: any }> {
    const res = await browser.fetch(`${target.baseUrl}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    return { status: res.status, body: await res.json() };
  }

  it('tells the login page about the provider', async () => {
    const res = await pharos.request('/api/v1/auth/providers');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ password: true, oidc: { name: 'Test IdP', startUrl: '/api/v1/auth/oidc/start' } });
  });

  it('sends the browser to the provider with code flow, PKCE S256, state and nonce, the state in a Lax httpOnly cookie', async () => {
    const browser = new RedirectingBrowser();
    const res = await browser.fetch(`${pharos.baseUrl}/api/v1/auth/oidc/start`);
    const url = new URL(res.headers.get('location')!);
    expect(url.origin).toBe(provider.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: `${pharos.baseUrl}/api/v1/auth/oidc/callback`,
      scope: 'openid profile email groups',
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    const state = url.searchParams.get('state')!;
    expect(res.headers.getSetCookie()).toEqual([`pharos_oidc_state=${state}; Path=/api/v1/auth/oidc; Max-Age=600; HttpOnly; SameSite=Lax`]);
    // Only the state's hash is kept.
    expect(await prisma.oidcSignInAttempt.count({ where: { stateHash: state } })).toBe(0);
  });

  it('signs a new user in with the mapped role: a session as a password sign-in gives, audited', async () => {
    const { landing, browser } = await signIn('alice-subject-1', { preferred_username: 'alice', email: 'alice@example.com', groups: ['staff', 'pharos-admins'] });
    expect(Object.fromEntries(landing.searchParams)).toEqual({ signin: 'sso' });
    expect(browser.cookie(pharos.baseUrl, 'pharos_oidc_state')).toBeUndefined();

    const session = await dashboardSession(browser);
    expect(session.status).toBe(200);
    const tokens = session.body;
    expect(tokens.user).toMatchObject({ username: 'alice', role: 'admin', disabled: false });
    expect(tokens.refreshToken).toBeUndefined();
    const me = await pharos.request('/api/v1/auth/me', { token: tokens.accessToken });
    expect(me.body).toMatchObject({ username: 'alice', role: 'admin' });
    // An admin route works with it.
    expect((await pharos.request('/api/v1/users', { token: tokens.accessToken })).status).toBe(200);

    const link = await prisma.oidcIdentity.findUniqueOrThrow({ where: { issuer_subject: { issuer: provider.issuer, subject: 'alice-subject-1' } } });
    expect(link.userId).toBe(tokens.user.id);
    const audit = await pharos.request('/api/v1/audit?action=auth.sign_in&actor=alice', { token: adminToken });
    expect(audit.body.items[0]).toMatchObject({ action: 'auth.sign_in', actor: { id: tokens.user.id, username: 'alice' }, data: { method: 'oidc' } });
    // The same kind of session as a password sign-in's: listed with its device and address.
    const sessions = await pharos.request('/api/v1/sessions', { token: tokens.accessToken });
    expect(sessions.body.items).toEqual([expect.objectContaining({ current: true, ip: '127.0.0.1', userAgent: expect.any(String) })]);
  });

  it('finds the user again by (issuer, subject), not by name, and applies the role the claims give now', async () => {
    const first = await signIn('bob-subject', { preferred_username: 'bob', groups: ['pharos-admins'] });
    const firstUser = ((await dashboardSession(first.browser)).body).user;
    expect(firstUser.role).toBe('admin');

    // Renamed at the provider and moved to a viewer group: the same Pharos user, now a viewer.
    const again = await signIn('bob-subject', { preferred_username: 'robert', groups: ['ops'] });
    const againTokens = await (await dashboardSession(again.browser)).body;
    expect(againTokens.user).toMatchObject({ id: firstUser.id, username: 'bob', role: 'viewer' });
    expect((await pharos.request('/api/v1/users', { token: againTokens.accessToken })).status).toBe(403);

    // Another subject claiming the name "bob" gets an account of its own.
    const impostor = await signIn('other-subject', { preferred_username: 'bob', groups: ['ops'] });
    const impostorUser = ((await dashboardSession(impostor.browser)).body).user;
    expect(impostorUser.id).not.toBe(firstUser.id);
    expect(impostorUser.username).toBe('bob-2');
  });

  it('does not link the provider account to a local user of the same name', async () => {
    await pharos.request('/api/v1/users', { token: adminToken, body: { username: 'carol', password: 'carol-password-1', role: 'admin' } });
    const { browser } = await signIn('carol-subject', { preferred_username: 'carol', groups: ['staff'] });
    expect(((await dashboardSession(browser)).body).user).toMatchObject({ username: 'carol-2', role: 'viewer' });
  });

  it('refuses a callback whose state is not the one this browser was given, keeping no session', async () => {
    await provider.signInAs('dave-subject', { preferred_username: 'dave', groups: ['staff'] });
    const { browser, authorizeUrl } = await startSignIn();
    const callback = await callbackFrom(browser, authorizeUrl);

    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state-value');
    const refused = await deliver(browser, forged);
    expect(refused.searchParams.get('signin_error')).toMatch(/state does not match/);
    expect(browser.cookie(pharos.baseUrl, 'pharos_refresh')).toBeUndefined();
    expect((await dashboardSession(browser)).status).toBe(400);

    // The real callback in another browser (a link from someone else's sign-in): no cookie, refused.
    const elsewhere = await deliver(new RedirectingBrowser(), callback);
    expect(elsewhere.searchParams.get('signin_error')).toMatch(/not started in this browser/);
    expect(await prisma.user.count({ where: { username: 'dave' } })).toBe(0);
  });

  it('refuses a callback replayed with its state cookie (each state works once)', async () => {
    await provider.signInAs('erin-subject', { preferred_username: 'erin', groups: ['staff'] });
    const { browser, authorizeUrl } = await startSignIn();
    const state = authorizeUrl.searchParams.get('state')!;
    const callback = await callbackFrom(browser, authorizeUrl);
    expect((await deliver(browser, callback)).searchParams.get('signin')).toBe('sso');

    const replay = new RedirectingBrowser();
    replay.setCookie(pharos.baseUrl, 'pharos_oidc_state', state);
    const refused = await deliver(replay, callback);
    expect(refused.searchParams.get('signin_error')).toMatch(/expired or was already used/);
    expect(replay.cookie(pharos.baseUrl, 'pharos_refresh')).toBeUndefined();
  });

  it('refuses an ID token whose nonce is not the sign-in\'s', async () => {
    await provider.signInAs('frank-subject', { preferred_username: 'frank', groups: ['staff'] });
    const { browser, authorizeUrl } = await startSignIn();
    authorizeUrl.searchParams.set('nonce', 'a-nonce-pharos-never-made');
    const refused = await deliver(browser, await callbackFrom(browser, authorizeUrl));
    expect(refused.searchParams.get('signin_error')).toMatch(/could not be verified.*claim "nonce"/);
    expect(browser.cookie(pharos.baseUrl, 'pharos_refresh')).toBeUndefined();
    expect(await prisma.user.count({ where: { username: 'frank' } })).toBe(0);
  });

  it('refuses a code obtained with another PKCE challenge (the provider checks the verifier)', async () => {
    await provider.signInAs('gina-subject', { preferred_username: 'gina', groups: ['staff'] });
    const { browser, authorizeUrl } = await startSignIn();
    authorizeUrl.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const refused = await deliver(browser, await callbackFrom(browser, authorizeUrl));
    expect(refused.searchParams.get('signin_error')).toMatch(/could not be verified/);
    expect(await prisma.user.count({ where: { username: 'gina' } })).toBe(0);
  });

  it('refuses an account whose claim maps to no role, creating nothing', async () => {
    const before = await prisma.user.count();
    const { landing, browser } = await signIn('henry-subject', { preferred_username: 'henry', groups: ['sales'] });
    expect(landing.searchParams.get('signin_error')).toMatch(/has no role in Pharos.*"groups"/);
    expect(browser.cookie(pharos.baseUrl, 'pharos_refresh')).toBeUndefined();
    expect(await prisma.user.count()).toBe(before);
    const noClaim = await signIn('henry-subject', { preferred_username: 'henry' });
    expect(noClaim.landing.searchParams.get('signin_error')).toMatch(/has no role/);
  });

  it('refuses a disabled user, whose earlier SSO session is over too', async () => {
    const first = await signIn('ivy-subject', { preferred_username: 'ivy', groups: ['staff'] });
    const user = ((await dashboardSession(first.browser)).body).user;
    const disabled = await pharos.request(`/api/v1/users/${user.id}`, { method: 'PATCH', token: adminToken, body: { disabled: true } });
    expect(disabled.status).toBe(200);

    const { landing, browser } = await signIn('ivy-subject', { preferred_username: 'ivy', groups: ['staff'] });
    expect(landing.searchParams.get('signin_error')).toMatch(/disabled/);
    expect(browser.cookie(pharos.baseUrl, 'pharos_refresh')).toBeUndefined();
    expect((await dashboardSession(first.browser)).status).toBe(401);
  });

  it('passes on the provider\'s own refusal', async () => {
    const { browser, authorizeUrl } = await startSignIn();
    const callback = new URL(`${pharos.baseUrl}/api/v1/auth/oidc/callback`);
    callback.searchParams.set('error', 'access_denied');
    callback.searchParams.set('error_description', 'the user said no');
    callback.searchParams.set('state', authorizeUrl.searchParams.get('state')!);
    const refused = await deliver(browser, callback);
    expect(refused.searchParams.get('signin_error')).toBe('Test IdP did not sign you in: access_denied (the user said no)');
  });

  it('forgets abandoned sign-ins at the next retention pass after they expire', async () => {
    await startSignIn();
    const later = new Date(Date.now() + 11 * 60_000);
    const result = await pharos.app.get(RetentionJob).run(later);
    expect(result['expired SSO sign-in attempts']).toBeGreaterThanOrEqual(1);
    expect(await prisma.oidcSignInAttempt.count({ where: { expiresAt: { lt: later } } })).toBe(0);
  });

  describe('with auto-provisioning off', () => {
    let strict: RunningPharos;
    let strictAdmin: string;

    beforeAll(async () => {
      strict = target = await startWithSso(ports[1]!, { OIDC_AUTO_PROVISION: 'false' });
      strictAdmin = await strict.login();
    });

    afterAll(async () => {
      target = pharos;
      await strict?.close();
    });

    it('refuses an account no admin linked, creating nothing', async () => {
      const before = await strict.app.get(PrismaService).user.count();
      const { landing } = await signIn('kim-subject', { preferred_username: 'kim', groups: ['pharos-admins'] });
      expect(landing.searchParams.get('signin_error')).toMatch(/no Pharos account is linked.*"kim-subject"/);
      expect(await strict.app.get(PrismaService).user.count()).toBe(before);
    });

    it('signs in the user an admin linked, with the role the claims give; unlinking ends that', async () => {
      const kim = (await strict.request('/api/v1/users', { token: strictAdmin, body: { username: 'kim.local', password: 'kim-password-1', role: 'viewer' } })).body;
      const linked = await strict.request(`/api/v1/users/${kim.id}/oidc-identity`, { method: 'PUT', token: strictAdmin, body: { subject: 'kim-subject' } });
      expect(linked.status).toBe(200);
      expect(linked.body).toMatchObject({ issuer: provider.issuer, subject: 'kim-subject' });

      const { landing, browser } = await signIn('kim-subject', { preferred_username: 'kim', groups: ['pharos-admins'] });
      expect(landing.searchParams.get('signin')).toBe('sso');
      expect((await dashboardSession(browser)).body.user).toMatchObject({ id: kim.id, username: 'kim.local', role: 'admin' });
      const audit = await strict.request('/api/v1/audit?action=user.', { token: strictAdmin });
      expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['user.oidc_link', 'user.update']));

      expect((await strict.request(`/api/v1/users/${kim.id}/oidc-identity`, { method: 'DELETE', token: strictAdmin })).status).toBe(204);
      expect((await strict.request(`/api/v1/users/${kim.id}/oidc-identity`, { token: strictAdmin })).status).toBe(404);
      const refused = await signIn('kim-subject', { preferred_username: 'kim', groups: ['pharos-admins'] });
      expect(refused.landing.searchParams.get('signin_error')).toMatch(/no Pharos account is linked/);
    });

    it('refuses a bad subject, a subject another user has, and non-admins, changing nothing', async () => {
      const users = (await strict.request('/api/v1/users', { token: strictAdmin })).body.items;
      const admin = users.find((u: { username: string }) => u.username === 'admin');
      const lee = (await strict.request('/api/v1/users', { token: strictAdmin, body: { username: 'lee', password: 'lee-password-1', role: 'viewer' } })).body;
      for (const subject of ['', 'has space', 'x'.repeat(256), 42]) {
        const res = await strict.request(`/api/v1/users/${lee.id}/oidc-identity`, { method: 'PUT', token: strictAdmin, body: { subject } });
        expect(res.status).toBe(400);
        expect(res.body.field).toBe('subject');
      }
      expect((await strict.request(`/api/v1/users/${admin.id}/oidc-identity`, { method: 'PUT', token: strictAdmin, body: { subject: 'shared-subject' } })).status).toBe(200);
      const taken = await strict.request(`/api/v1/users/${lee.id}/oidc-identity`, { method: 'PUT', token: strictAdmin, body: { subject: 'shared-subject' } });
      expect(taken.status).toBe(409);
      expect(taken.body.message).toMatch(/linked to another user/);
      expect((await strict.request(`/api/v1/users/${lee.id}/oidc-identity`, { token: strictAdmin })).status).toBe(404);
      expect((await strict.request('/api/v1/users/not-a-uuid/oidc-identity', { token: strictAdmin })).status).toBe(404);
      const viewer = await strict.login('lee', 'lee-password-1');
      expect((await strict.request(`/api/v1/users/${lee.id}/oidc-identity`, { method: 'PUT', token: viewer, body: { subject: 'lee-subject' } })).status).toBe(403);
    });
  });
});

describe('single sign-on when not configured', () => {
  let pharos: RunningPharos;
  beforeAll(async () => (pharos = await startPharos()));
  afterAll(async () => pharos?.close());

  it('offers no provider and answers 404 on the SSO routes', async () => {
    expect((await pharos.request('/api/v1/auth/providers')).body).toEqual({ password: true, oidc: null });
    for (const route of ['/api/v1/auth/oidc/start', '/api/v1/auth/oidc/callback?code=x&state=y']) {
      const res = await pharos.request(route);
      expect(res.status).toBe(404);
      expect(res.body.message).toMatch(/not configured/);
    }
    const admin = await pharos.login();
    const me = (await pharos.request('/api/v1/auth/me', { token: admin })).body;
    const link = await pharos.request(`/api/v1/users/${me.id}/oidc-identity`, { method: 'PUT', token: admin, body: { subject: 's' } });
    expect(link.status).toBe(404);
    expect(link.body.message).toMatch(/not configured/);
  });
});
