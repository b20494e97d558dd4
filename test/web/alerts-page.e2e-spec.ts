import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeWithBrowser, ensureWebBuilt, DESKTOP, openSignedIn, PageProblems, screenshotEverywhere, seriousAccessibilityViolations, useTheme, WEB_DIST } from '../support/dashboard-browser';
import { eventually } from '../support/eventually';
import { IthiltirNodeEmulator } from '../support/ithiltir-node-emulator';
import { healthyReport } from '../support/node-report-health';
import { NotificationReceiver } from '../support/notification-receiver';
import { startPharos, TEST_ADMIN_PASSWORD, type RunningPharos } from '../support/pharos-test-app';

/**
 * The alerts page in Chromium: an admin adds a channel by URL (a bad one is refused with its
 * reason), writes a rule while its preview shows the current value, the simulated node then
 * crosses it, and the incident shows on the page (and in the tab title) while the channel's
 * receiver gets the notification.
 */
describeWithBrowser('the alerts page', () => {
  let pharos: RunningPharos;
  let receiver: NotificationReceiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let node: IthiltirNodeEmulator;

  beforeAll(async () => {
    ensureWebBuilt();
    receiver = await NotificationReceiver.start();
    pharos = await startPharos({ env: { PHAROS_WEB_DIR: WEB_DIST, NOTIFY_POLL_MS: '100', NOTIFY_GROUP_MS: '100' } });
    const admin = await pharos.login();
    const created = await pharos.request('/api/v1/nodes', { token: admin, body: { name: 'alert-web-1' } });
    node = new IthiltirNodeEmulator({ targetUrl: `${pharos.baseUrl}/api/node/metrics`, key: created.body.secret });
    expect((await node.postStatic()).status).toBe(200);
    expect((await node.report(healthyReport(node.nextReport(), 0.3))).status).toBe(200);
    ({ browser, context, page, problems } = await openSignedIn(pharos.baseUrl, TEST_ADMIN_PASSWORD, DESKTOP));
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await pharos?.close();
    await receiver?.close();
  });

  it('creates a channel and a rule on the page, and shows the incident the simulator then sets off', async () => {
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    // The built-in rules are listed, on.
    await page.locator('[data-rule="Server offline"]').waitFor();

    const channelForm = page.getByRole('form', { name: 'New channel' });
    await channelForm.getByLabel('Name').fill('ops-hook');
    await channelForm.getByLabel('URL').fill('pigeon://coop/7');
    problems.allow(/status of 400/);
    await channelForm.getByRole('button', { name: 'Add channel' }).click();
    await channelForm.getByText(/unknown scheme "pigeon"/).waitFor();
    await channelForm.getByLabel('URL').fill(`${receiver.url}/hooks/web`);
    await channelForm.getByRole('button', { name: 'Add channel' }).click();
    const channelRow = page.locator('[data-channel="ops-hook"]');
    await channelRow.waitFor();
    expect(await channelRow.textContent()).toContain(`${receiver.url}/…`);

    await channelRow.getByRole('button', { name: 'Send test ops-hook' }).click();
    await channelRow.getByText('Delivered').waitFor();
    expect(receiver.to('/hooks/web').map((r) => JSON.parse(r.body).event)).toEqual(['test']);

    const ruleForm = page.getByRole('form', { name: 'New rule' });
    await ruleForm.getByLabel('Name').fill('CPU over 80');
    await ruleForm.getByLabel('Series').fill('cpu_percent');
    await ruleForm.getByLabel('Threshold').fill('80');
    await ruleForm.getByLabel('Server').selectOption({ label: 'alert-web-1' });
    await ruleForm.getByLabel('Channel').selectOption({ label: 'ops-hook' });
    // The live preview: the node's current 30 % would not fire.
    const preview = page.getByLabel('Preview: current values');
    await preview.getByText('alert-web-1: 30').waitFor();
    await preview.getByText('Would fire now on 0 of 1 value reported.').waitFor();
    await ruleForm.getByRole('button', { name: 'Create rule' }).click();
    await page.locator('[data-rule="CPU over 80"]').waitFor();

    // The simulator's node crosses it.
    expect((await node.report(healthyReport(node.nextReport(), 0.95))).status).toBe(200);
    const incident = page.locator('[data-incident="CPU over 80"][data-state="firing"]');
    await incident.waitFor({ timeout: 15_000 });
    expect(await incident.textContent()).toContain('cpu_percent 95 > 80');
    await eventually(async () => expect(await page.title()).toMatch(/^\(1\) /), 20_000);
    await eventually(() => expect(receiver.to('/hooks/web').map((r) => JSON.parse(r.body).event)).toEqual(['test', 'firing']), 10_000);
    await eventually(async () => expect(await channelRow.textContent()).toContain('Delivered'));

    for (const theme of ['light', 'dark'] as const) {
      await useTheme(page, theme);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    }
    // From the top: the incident first.
    await page.evaluate('window.scrollTo(0, 0); for (const e of document.querySelectorAll("*")) if (e.scrollTop) e.scrollTop = 0');
    await screenshotEverywhere(page, 'alerts-page');
    problems.expectNone();
  });
});
