import type { Browser, Page } from 'playwright-core';
import { describeWithBrowser, DESKTOP, ensureWebBuilt, openSignedIn, PageProblems, screenshotEverywhere, seriousAccessibilityViolations, WEB_DIST } from '../support/dashboard-browser';
import { startPharos, TEST_ADMIN_PASSWORD, type RunningPharos } from '../support/pharos-test-app';

describeWithBrowser('API tokens and sessions pages in a browser', () => {
  let pharos: RunningPharos;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    ensureWebBuilt();
    pharos = await startPharos({ env: { PHAROS_WEB_DIR: WEB_DIST } });
    ({ browser, page, problems } = await openSignedIn(pharos.baseUrl, TEST_ADMIN_PASSWORD, DESKTOP));
  });
  afterAll(async () => {
    await browser?.close();
    await pharos?.close();
  });

  it('creates a token shown once, which then works as a Bearer token, and revokes it', async () => {
    await page.getByRole('link', { name: 'API tokens' }).click();
    const form = page.getByRole('form', { name: 'New API token' });
    await form.getByLabel('Name').fill('nightly backup');
    await form.getByRole('checkbox', { name: /commands:run/ }).check();
    await form.getByLabel('Expires in').selectOption('7');
    await form.getByRole('button', { name: 'Create token' }).click();

    const secret = page.getByRole('region', { name: 'API token "nightly backup"' });
    const token = (await secret.getByLabel('Token', { exact: true }).textContent())!;
    expect(token).toMatch(/^pat_/);
    expect((await pharos.request('/api/v1/servers', { token })).status).toBe(200);
    expect((await pharos.request('/api/v1/users', { token })).status).toBe(403);
    await secret.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByText(token).count()).toBe(0);

    const row = page.locator('tr[data-token="nightly backup"]');
    await row.getByText('fleet:read, commands:run').waitFor();
    await row.getByText(token.slice(0, 12)).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotEverywhere(page, 'api-tokens', () => row.waitFor());

    await row.getByRole('button', { name: 'Revoke nightly backup' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke the token nightly backup?' });
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('Token nightly backup revoked.').waitFor();
    await row.getByText('revoked').waitFor();
    expect((await pharos.request('/api/v1/servers', { token })).status).toBe(401);
    problems.expectNone();
  });

  it('lists the signed-in devices and signs another one out at once', async () => {
    const other = await pharos.request('/api/v1/auth/login', { body: { username: 'admin', password: TEST_ADMIN_PASSWORD }, headers: { 'user-agent': 'Backup laptop' } });
    expect((await pharos.request('/api/v1/auth/me', { token: other.body.accessToken })).status).toBe(200);

    await page.getByRole('link', { name: 'Sessions' }).click();
    const table = page.getByRole('table', { name: 'Sessions' });
    await table.locator('tr[data-current="true"]').getByText('this device').waitFor();
    await table.getByText('Backup laptop').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotEverywhere(page, 'sessions', () => table.getByText('Backup laptop').waitFor());

    await table.getByRole('button', { name: 'Sign out Backup laptop' }).click();
    await page.getByText('Device signed out.').waitFor();
    await table.getByText('Backup laptop').waitFor({ state: 'detached' });
    expect((await pharos.request('/api/v1/auth/me', { token: other.body.accessToken })).status).toBe(401);
    // This browser's own session goes on.
    await page.reload();
    await table.locator('tr[data-current="true"]').waitFor();
    problems.expectNone();
  });

  it('lets an admin sign another user out from the users page', async () => {
    const admin = await pharos.login();
    await pharos.request('/api/v1/users', { token: admin, body: { username: 'erin', password: 'erin-password', role: 'viewer' } });
    const erin = await pharos.request('/api/v1/auth/login', { body: { username: 'erin', password: 'erin-password' }, headers: { 'user-agent': 'Erin phone' } });

    await page.goto(`${pharos.baseUrl}/users`);
    await page.locator('tr[data-user="erin"]').getByRole('button', { name: 'Sessions of erin' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sessions of erin' });
    await dialog.getByText('Erin phone').waitFor();
    await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
    await dialog.getByText('No sessions').waitFor();
    expect((await pharos.request('/api/v1/auth/me', { token: erin.body.accessToken })).status).toBe(401);
    problems.expectNone();
  });
});
