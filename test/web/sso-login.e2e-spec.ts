import type { Browser, Page } from 'playwright-core';
import { describeWithBrowser, ensureWebBuilt, launchBrowser, PageProblems, screenshot, WEB_DIST } from '../support/dashboard-browser';
import { freePort, TestOidcProvider } from '../support/oidc-provider';
import { startPharos, type RunningPharos } from '../support/pharos-test-app';

/**
 * The login page's "Sign in with …" in Chromium, against the in-test provider on another site
 * (`localhost` vs `127.0.0.1`): the state cookie must come back on the provider's redirect
 * (SameSite=Lax) and the refresh cookie must reach the dashboard's own refresh call.
 */
describeWithBrowser('single sign-on from the login page in a browser', () => {
  const CLIENT = { clientId: 'pharos-browser', clientSecret: 'browser-client-secret-0123456789' };
  let provider: TestOidcProvider;
  let pharos: RunningPharos;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuilt();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    provider = await TestOidcProvider.start({ ...CLIENT, redirectUris: [`${publicUrl}/api/v1/auth/oidc/callback`] }, 'localhost');
    pharos = await startPharos({
      port,
      env: {
        PHAROS_WEB_DIR: WEB_DIST,
        PHAROS_PUBLIC_URL: publicUrl,
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: CLIENT.clientId,
        OIDC_CLIENT_SECRET: CLIENT.clientSecret,
        OIDC_SCOPES: 'openid profile email groups',
        OIDC_DISPLAY_NAME: 'Example IdP',
        OIDC_ADMIN_VALUES: 'pharos-admins',
        OIDC_VIEWER_VALUES: 'staff',
      },
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await pharos?.close();
    await provider?.stop();
  });

  async function freshPage(): Promise<{ page: Page; problems: PageProblems }> {
    const page = await (await browser.newContext()).newPage();
    return { page, problems: new PageProblems(page) };
  }

  it('signs in with the button and lands on the dashboard with the mapped role', async () => {
    await provider.signInAs('browser-subject-1', { preferred_username: 'sso.viewer', groups: ['staff'] });
    const { page, problems } = await freshPage();
    await page.goto(pharos.baseUrl);
    await screenshot(page, 'sso-login-page');
    await page.getByRole('button', { name: 'Sign in with Example IdP' }).click();
    await page.getByRole('link', { name: 'Fleet' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    await page.getByTitle('Signed in as sso.viewer (viewer)').waitFor();
    // A reload keeps the session (the refresh cookie), as after a password sign-in.
    await page.reload();
    await page.getByRole('link', { name: 'Fleet' }).waitFor();
    problems.expectNone();
  });

  it('shows why a sign-in was refused on the login page', async () => {
    await provider.signInAs('browser-subject-2', { preferred_username: 'outsider', groups: ['sales'] });
    const { page, problems } = await freshPage();
    await page.goto(pharos.baseUrl);
    await page.getByRole('button', { name: 'Sign in with Example IdP' }).click();
    await page.getByRole('alert').filter({ hasText: 'has no role in Pharos' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    await screenshot(page, 'sso-login-refused');
    problems.expectNone();
  });
});
