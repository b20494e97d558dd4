import type { Browser, Page } from 'playwright-core';
import { type Fleet, startFleet } from '../../apps/simulator/src';
import { describeWithBrowser, ensureWebBuilt, openSignedIn, PageProblems, screenshot, signIn, useTheme, WEB_DIST } from '../support/dashboard-browser';
import { eventually } from '../support/eventually';
import { LightdEmulator } from '../support/lightd-emulator';
import { startPharos, TEST_ADMIN_PASSWORD, type RunningPharos } from '../support/pharos-test-app';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

interface HeaderBoxes {
  table: { left: number; right: number };
  cells: { text: string; left: number; right: number; clipped: boolean }[];
}

/** Where each visible header cell of the fleet table sits, and the table's own box. */
function fleetHeaderBoxes(page: Page): Promise<HeaderBoxes> {
  // A string: this project's TypeScript has no DOM types outside the dashboard.
  return page.evaluate<HeaderBoxes>(`(() => {
    const table = document.querySelector('.fleet-table').getBoundingClientRect();
    const cells = [...document.querySelectorAll('.fleet-head .th')]
      .filter((cell) => cell.offsetParent !== null)
      .map((cell) => {
        const box = cell.getBoundingClientRect();
        return { text: cell.textContent.replace(/[▲▼]/g, '').trim(), left: box.left, right: box.right, clipped: cell.scrollWidth > cell.clientWidth + 1 };
      });
    return { table: { left: table.left, right: table.right }, cells };
  })()`);
}

/** True when nothing on the page is wider than the window (no sideways scrolling of the page). */
function pageFitsWidth(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');
}

describeWithBrowser('admin screens in a browser: fleet layout, Lightd remote tokens, users', () => {
  let pharos: RunningPharos;
  let fleet: Fleet;
  let browser: Browser;
  let page: Page;
  let admin: string;
  let problems: PageProblems;

  beforeAll(async () => {
    ensureWebBuilt();
    pharos = await startPharos({ env: { PHAROS_WEB_DIR: WEB_DIST } });
    admin = await pharos.login();
    // The simulated nodes report a failing disk and a degraded array: with the built-in rules on,
    // those twelve lead the trouble-first list and push ui-agent-01 out of a phone's view.
    for (const rule of (await pharos.request('/api/v1/alerts/rules', { token: admin })).body.items.filter((r: { builtIn: boolean }) => r.builtIn)) {
      await pharos.request(`/api/v1/alerts/rules/${rule.id}`, { method: 'PATCH', token: admin, body: { enabled: false } });
    }
    fleet = await startFleet({
      url: pharos.baseUrl,
      adminPassword: TEST_ADMIN_PASSWORD,
      namePrefix: 'ui',
      agents: 24,
      nodes: 12,
      daemons: 2,
      containersPerDaemon: 2,
      agentIntervalSeconds: 1,
      nodeIntervalSeconds: 1,
      healthIntervalSeconds: 2,
      lifecycleIntervalSeconds: 5,
      failureRate: 0,
      console: false,
    });
    ({ browser, page, problems } = await openSignedIn(pharos.baseUrl, TEST_ADMIN_PASSWORD, DESKTOP));
  }, 120_000);

  afterEach(() => problems.expectNone());

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await pharos?.close();
  });

  it('fits every column of the fleet table at 1280×800, and drops columns rather than clip them when narrower', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(pharos.baseUrl);
    await page.locator('.fleet-row[data-server="ui-agent-01"]').waitFor();
    // Let a few samples in so the sparklines have lines.
    await eventually(async () => expect(await page.locator('.fleet-row .metric-value').first().textContent()).toMatch(/\d+%/), 15_000);
    await page.waitForTimeout(2500);

    const desktop = await fleetHeaderBoxes(page);
    expect(desktop.cells.map((c) => c.text)).toEqual(['Status', 'Name', 'Source', 'CPU', 'Memory', 'Disk', 'Network', 'Last seen']);
    for (const cell of desktop.cells) {
      expect(cell.right).toBeLessThanOrEqual(desktop.table.right);
      expect(cell.clipped).toBe(false);
    }
    expect(await pageFitsWidth(page)).toBe(true);
    await useTheme(page, 'light');
    await screenshot(page, 'fleet-1280-light');
    await useTheme(page, 'dark');
    await screenshot(page, 'fleet-1280-dark');

    // Narrower windows lose the least needed columns, never the last one.
    for (const [width, columns] of [
      [1180, ['Status', 'Name', 'CPU', 'Memory', 'Disk', 'Network', 'Last seen']],
      [1024, ['Status', 'Name', 'CPU', 'Memory', 'Disk', 'Last seen']],
      [900, ['Status', 'Name', 'CPU', 'Memory', 'Last seen']],
    ] as const) {
      await page.setViewportSize({ width, height: 800 });
      await eventually(async () => expect((await fleetHeaderBoxes(page)).cells.map((c) => c.text)).toEqual(columns), 5_000);
      const boxes = await fleetHeaderBoxes(page);
      for (const cell of boxes.cells) expect(cell.right).toBeLessThanOrEqual(boxes.table.right);
      expect(await pageFitsWidth(page)).toBe(true);
    }
    await page.setViewportSize({ width: 1024, height: 800 });
    await page.locator('.fleet-table[data-columns="no-network"]').waitFor();
    await screenshot(page, 'fleet-1024-dark');
  });

  it('shows the fleet on a phone as cards that fit the width, rendering only the rows in view', async () => {
    await page.setViewportSize(PHONE);
    await page.goto(pharos.baseUrl);
    await page.locator('.fleet-row.compact').first().waitFor();
    expect(await page.locator('.fleet-head').count()).toBe(0);
    expect(await pageFitsWidth(page)).toBe(true);
    const card = page.locator('.fleet-row.compact[data-server="ui-agent-01"]');
    await eventually(async () => expect(await card.textContent()).toMatch(/ui-agent-01.*CPU \d+%.*Mem \d+%/), 15_000);
    const box = (await card.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);

    // 38 servers (the Lightd daemons are servers of the fleet too), far fewer rows in the page: the list is still virtualised.
    expect(await page.getByText('38 servers').count()).toBe(1);
    expect(await page.locator('.vrow').count()).toBeLessThan(38);
    await useTheme(page, 'light');
    await screenshot(page, 'fleet-phone-light');
    await page.locator('.vlist').evaluate((list) => (list.scrollTop = list.scrollHeight));
    await page.locator('.fleet-row.compact[data-server="ui-node-12"]').waitFor();
    await useTheme(page, 'dark');
    await screenshot(page, 'fleet-phone-dark');
  });

  it('rotates a Lightd daemon\'s remote token after asking, shows the new one once, and revokes it', async () => {
    await page.setViewportSize(DESKTOP);
    const registered = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name: 'edge-lightd', apiUrl: 'http://127.0.0.1:9' } });
    const daemonId = registered.body.daemon.id as string;
    const oldToken = registered.body.remoteToken as string;
    expect((await new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: oldToken }).sendStatus('mc-7', 'ready')).status).toBe(200);

    await page.goto(`${pharos.baseUrl}/lightd/daemons/${daemonId}`);
    const panel = page.getByRole('region', { name: 'Remote token' });
    await panel.getByText(`${oldToken.slice(0, 12)}`, { exact: false }).waitFor();
    await panel.getByRole('button', { name: 'Rotate token' }).click();
    const confirm = page.getByRole('dialog', { name: 'Rotate the remote token of edge-lightd?' });
    await confirm.waitFor();
    await screenshot(page, 'lightd-rotate-confirm');
    await confirm.getByRole('button', { name: 'Rotate token' }).click();

    const secret = page.getByRole('region', { name: 'New remote token of daemon "edge-lightd"' });
    await secret.waitFor();
    const newToken = (await secret.getByLabel('Remote token', { exact: true }).textContent())!;
    expect(newToken).toMatch(/^lightd_[0-9a-f]{32}$/);
    const config = JSON.parse((await secret.getByLabel('Lightd remote config', { exact: true }).textContent())!);
    expect(config).toEqual({ remote: { enabled: true, url: `${pharos.config.publicUrl}/api/lightd`, token: newToken } });
    await useTheme(page, 'light');
    await screenshot(page, 'lightd-rotated-light');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'lightd-rotated-phone-light');
    await page.setViewportSize(DESKTOP);

    // The new token works and the old one no longer does.
    expect((await new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: newToken }).sendStatus('mc-7', 'ready')).status).toBe(200);
    expect((await new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: oldToken }).sendStatus('mc-7', 'ready')).status).toBe(401);

    // Shown once: gone when dismissed, and not on the page again.
    await secret.getByRole('button', { name: 'I have copied it' }).click();
    await page.reload();
    await panel.getByText(newToken.slice(0, 12)).waitFor();
    expect(await page.getByText(newToken).count()).toBe(0);

    // Revoking asks first; cancelling changes nothing.
    await panel.getByRole('button', { name: 'Revoke token' }).click();
    const revoke = page.getByRole('dialog', { name: 'Revoke the remote token of edge-lightd?' });
    await revoke.getByRole('button', { name: 'Cancel' }).click();
    expect((await new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: newToken }).sendStatus('mc-7', 'ready')).status).toBe(200);
    await panel.getByRole('button', { name: 'Revoke token' }).click();
    await revoke.getByRole('button', { name: 'Revoke token' }).click();
    await panel.getByText('No remote token').waitFor();
    expect(await panel.getByRole('button', { name: 'Issue a token' }).count()).toBe(1);
    expect((await new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: newToken }).sendStatus('mc-7', 'ready')).status).toBe(401);
    await useTheme(page, 'dark');
    await screenshot(page, 'lightd-revoked-dark');
  });

  it('disables a user after asking: their open session ends and they cannot sign in', async () => {
    await pharos.request('/api/v1/users', { token: admin, body: { username: 'carol', password: 'carol-password', role: 'viewer' } });
    const carolContext = await browser.newContext({ viewport: DESKTOP });
    const carol = await carolContext.newPage();
    const carolProblems = new PageProblems(carol);
    await signIn(carol, pharos.baseUrl, 'carol', 'carol-password');

    await page.setViewportSize(DESKTOP);
    await page.goto(`${pharos.baseUrl}/users`);
    const row = page.locator('tr[data-user="carol"]');
    await row.getByRole('button', { name: 'Disable carol' }).click();
    const confirm = page.getByRole('dialog', { name: 'Disable carol?' });
    await confirm.waitFor();
    await screenshot(page, 'users-disable-confirm');
    await confirm.getByRole('button', { name: 'Disable user' }).click();
    await row.getByText('disabled').waitFor();
    await page.getByText('carol is disabled: signed out everywhere and cannot sign in.').waitFor();
    expect(await row.getByRole('button', { name: 'Enable carol' }).count()).toBe(1);
    await useTheme(page, 'light');
    await screenshot(page, 'users-light');

    // Carol's open dashboard (it polls the fleet every few seconds) loses its session at its
    // next request: her access token is refused, and so is her refresh token (the browser
    // reports each refusal in its console; nothing else may go wrong).
    carolProblems.allow(/status of 401/);
    await carol.getByText('Your session has ended').waitFor({ timeout: 20_000 });
    await carol.getByLabel('Username').fill('carol');
    await carol.getByLabel('Password').fill('carol-password');
    await carol.getByRole('button', { name: /sign in/i }).click();
    await carol.getByText('invalid username or password').waitFor();
    await screenshot(carol, 'users-disabled-login');
    carolProblems.expectNone();
    await carolContext.close();
  });

  it('will not let an admin disable or demote themselves, and resets a password with a generated one shown once', async () => {
    await page.goto(`${pharos.baseUrl}/users`);
    const self = page.locator('tr[data-user="admin"]');
    expect(await self.getByRole('button', { name: 'Disable admin' }).isDisabled()).toBe(true);
    expect(await self.getByRole('button', { name: 'Change the role of admin' }).isDisabled()).toBe(true);

    await pharos.request('/api/v1/users', { token: admin, body: { username: 'dave', password: 'dave-password', role: 'viewer' } });
    await page.reload();
    const row = page.locator('tr[data-user="dave"]');
    await row.getByRole('button', { name: 'Change the role of dave' }).click();
    const roleDialog = page.getByRole('dialog', { name: 'Role of dave' });
    await roleDialog.getByLabel(/^Admin/).check();
    await screenshot(page, 'users-role-dialog');
    await roleDialog.getByRole('button', { name: 'Save role' }).click();
    await page.getByText('dave is now an admin.').waitFor();
    await row.getByRole('cell', { name: 'admin', exact: true }).waitFor();

    await row.getByRole('button', { name: 'Reset the password of dave' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset the password of dave' });
    await dialog.getByRole('button', { name: 'Generate a password' }).click();
    const secret = page.getByRole('region', { name: 'New password of dave' });
    const password = (await secret.getByLabel('New password', { exact: true }).textContent())!;
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect((await pharos.request('/api/v1/auth/login', { body: { username: 'dave', password } })).status).toBe(200);
    expect((await pharos.request('/api/v1/auth/login', { body: { username: 'dave', password: 'dave-password' } })).status).toBe(401);
    await secret.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByText(password).count()).toBe(0);

    await page.setViewportSize(PHONE);
    expect(await pageFitsWidth(page)).toBe(true);
    await useTheme(page, 'dark');
    await screenshot(page, 'users-phone-dark');
    await page.goto(`${pharos.baseUrl}/lightd`);
    await page.getByRole('table', { name: 'Lightd daemons' }).getByRole('link', { name: 'edge-lightd' }).waitFor();
    expect(await pageFitsWidth(page)).toBe(true);
    await screenshot(page, 'lightd-phone-dark-cards');
  });
});
