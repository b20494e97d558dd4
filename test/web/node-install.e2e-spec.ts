import type { Browser, Page } from 'playwright-core';
import { describeWithBrowser, ensureWebBuilt, openSignedIn, type PageProblems, screenshot, WEB_DIST } from '../support/dashboard-browser';
import { freePort } from '../support/built-server';
import { startPharos, TEST_ADMIN_PASSWORD, type RunningPharos } from '../support/pharos-test-app';

describeWithBrowser("a node's install one-liners on its server page", () => {
  let pharos: RunningPharos;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    ensureWebBuilt();
    const port = await freePort();
    pharos = await startPharos({ port, env: { PHAROS_WEB_DIR: WEB_DIST, PHAROS_PUBLIC_URL: `http://127.0.0.1:${port}` } });
    ({ browser, page, problems } = await openSignedIn(pharos.baseUrl, TEST_ADMIN_PASSWORD, { width: 1280, height: 900 }));
  }, 120_000);

  afterEach(() => problems.expectNone());
  afterAll(async () => {
    await browser?.close();
    await pharos?.close();
  });

  it('shows, once the secret is rotated, the Linux, macOS and Windows one-liners holding the new secret, each with a copy button', async () => {
    const token = await pharos.login();
    const created = await pharos.request('/api/v1/nodes', { token, body: { name: 'install-me' } });
    await page.goto(`${pharos.baseUrl}/servers/${created.body.node.id}?tab=access`);
    const panel = page.getByRole('region', { name: 'Node secret' });
    // Rotating asks first (the browser's confirm); the admin agrees.
    page.once('dialog', (dialog) => void dialog.accept());
    await panel.getByRole('button', { name: 'Rotate' }).click();
    const once = page.getByRole('region', { name: 'New node secret' });
    await once.waitFor();
    const secret = (await once.getByLabel('Node secret', { exact: true }).textContent())!;
    expect(secret).toMatch(/^pnode_/);
    const { publicUrl } = pharos.config;
    const port = new URL(publicUrl).port;
    const shown = async (label: string) => (await once.getByLabel(label, { exact: true }).textContent())!;
    expect(await shown('Install on Linux (systemd, as root)')).toBe(`curl -fsSL ${publicUrl}/deploy/linux/install.sh | sudo bash -s -- 127.0.0.1 ${port} ${secret}`);
    expect(await shown('Install on macOS (launchd, as root)')).toBe(`curl -fsSL ${publicUrl}/deploy/macos/install.sh | sudo bash -s -- 127.0.0.1 ${port} ${secret}`);
    expect(await shown('Install on Windows (PowerShell as administrator)')).toBe(
      `& ([scriptblock]::Create((Invoke-RestMethod '${publicUrl}/deploy/windows/install.ps1'))) 127.0.0.1 ${port} ${secret}`,
    );
    const copy = once.getByRole('button', { name: 'Copy Install on Linux (systemd, as root)' });
    await copy.click();
    await once.getByRole('button', { name: 'Copied' }).waitFor();
    await screenshot(page, 'node-install-one-liners');
    // The script the one-liner fetches is there, rendered for this Pharos.
    const script = await (await fetch(`${publicUrl}/deploy/linux/install.sh`)).text();
    expect(script).toContain(`PHAROS_URL='${publicUrl}'`);
  });
});
