import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, describeWithBrowser, ensureWebBuilt, launchBrowser, PageProblems, screenshot, seriousAccessibilityViolations, signIn, useTheme, WEB_DIST } from '../support/dashboard-browser';
import { startPharos, TEST_ADMIN_PASSWORD, type RunningPharos } from '../support/pharos-test-app';

/** What an authenticator app shows for `secret`, `steps` 30-second steps from now. */
const codeOf = (secret: string, steps = 0) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + steps * 30_000 });

describeWithBrowser('two-factor sign-in in the dashboard', () => {
  let pharos: RunningPharos;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    ensureWebBuilt();
    pharos = await startPharos({ env: { PHAROS_WEB_DIR: WEB_DIST } });
    // Made before the admin has two-factor sign-in, while a password alone gives a token.
    const created = await pharos.request('/api/v1/users', { token: await pharos.login(), body: { username: 'tess', password: 'tess-password', role: 'viewer' } });
    expect(created.status).toBe(201);
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    problems = new PageProblems(page);
  });
  afterAll(async () => {
    await browser?.close();
    await pharos?.close();
  });

  /** Types the password, then waits for the second step's form. */
  const passwordStep = async (username: string, password: string) => {
    await page.goto(pharos.baseUrl);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: /sign in/i }).click();
  };
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
  };
  /** Confirms the enrolment form on the page with the code of the secret it shows; answers the secret and the recovery codes. */
  const enrolOnPage = async () => {
    const form = page.getByRole('form', { name: 'Set up two-factor sign-in' });
    await form.getByRole('img', { name: 'QR code of the two-factor secret' }).waitFor();
    expect(await page.evaluate<number>(`document.querySelector('img.totp-qr').naturalWidth`)).toBeGreaterThan(100);
    const secret = (await form.locator('[data-copy="Secret"]').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await form.getByLabel('Code from the app').fill(codeOf(secret));
    await form.getByRole('button', { name: 'Confirm' }).click();
    const codes = page.getByRole('region', { name: 'Recovery codes' }).locator('[data-copy="Recovery codes"]');
    await codes.waitFor();
    const recoveryCodes = (await codes.textContent())!.trim().split('\n');
    expect(recoveryCodes).toHaveLength(10);
    return { secret, recoveryCodes };
  };

  it('enrols on /account reading the secret shown, then signs in with a code, and with a recovery code', async () => {
    await signIn(page, pharos.baseUrl, 'admin', TEST_ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Account' }).click();
    await page.waitForURL(/\/account$/);
    const section = page.getByRole('region', { name: 'Two-factor sign-in' });
    await section.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await screenshot(page, 'account-two-factor-enrol');
    const { secret, recoveryCodes } = await enrolOnPage();
    expect(await page.title()).toBe('Account · Pharos');
    for (const theme of ['dark', 'light'] as const) {
      await useTheme(page, theme);
      expect({ theme, violations: await seriousAccessibilityViolations(page) }).toEqual({ theme, violations: [] });
    }
    await page.getByRole('button', { name: 'I saved them' }).click();
    await section.locator('[data-two-factor-status="on"]').waitFor();
    expect(await section.textContent()).toContain('10 unused recovery codes.');
    await screenshot(page, 'account-two-factor-on');

    await signOut();
    await passwordStep('admin', TEST_ADMIN_PASSWORD);
    const step = page.getByRole('form', { name: 'Two-factor sign-in' });
    await step.getByLabel('Code from the app').fill(codeOf(secret, 1));
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'login-two-factor-code');
    await step.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('link', { name: 'Fleet' }).waitFor();

    await signOut();
    await passwordStep('admin', TEST_ADMIN_PASSWORD);
    await step.getByRole('button', { name: 'Use a recovery code' }).click();
    await step.getByLabel('Recovery code').fill(recoveryCodes[0]!);
    await step.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('link', { name: 'Fleet' }).waitFor();
    problems.expectNone();
  });

  it('lets an admin require it of a user, who then sets it up at sign-in before reaching the dashboard', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    const row = page.locator('[data-user="tess"]');
    await row.getByRole('button', { name: 'Require 2FA of tess' }).click();
    await page.getByRole('status').filter({ hasText: 'tess must now sign in with two factors.' }).waitFor();
    await row.getByRole('button', { name: 'Do not require 2FA of tess' }).waitFor();
    expect(await row.textContent()).toContain('required');

    await signOut();
    await passwordStep('tess', 'tess-password');
    await page.getByText('Your account requires two-factor sign-in: set it up to continue.').waitFor();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await enrolOnPage();
    await screenshot(page, 'login-two-factor-enrolled');
    await page.getByRole('button', { name: 'I saved them' }).click();
    await page.getByRole('link', { name: 'Fleet' }).waitFor();
    problems.expectNone();
  });
});
