import type { Browser, Page } from 'playwright-core';
import { MetricsService } from '../../apps/server/src/fleet/metrics/metrics.service';
import { RetentionJob } from '../../apps/server/src/platform/retention/retention-job';
import { usageSamples } from '../../apps/server/src/sources/lightd/usage/usage-sample';
import path from 'node:path';
import { describeWithBrowser, ensureWebBuilt, launchBrowser, SCREENSHOTS, screenshot, signIn, useTheme, WEB_DIST } from '../support/dashboard-browser';
import { FakeLightdDaemon } from '../support/fake-lightd-daemon';
import { startPharos, TEST_ADMIN_PASSWORD, type RunningPharos } from '../support/pharos-test-app';

const API_TOKEN = 'lightd_8e8e8e8e8e8e8e8e8e8e8e8e8e8e8e8e';
const HOUR_MS = 3_600_000;

/** Each container's billing gauge as the v2 fake sends it, wandering a little over the day. */
function gauge(internalId: string, at = Date.now()) {
  const base = internalId === 'mc-survival' ? 3 : 1.25;
  const wave = Math.sin(at / (3 * HOUR_MS));
  const memory_gb = Math.round((base + 0.5 * wave) * 1000) / 1000;
  const cpu_vcpus = Math.round((0.6 + 0.4 * wave) * 1000) / 1000;
  return { memory_gb, cpu_vcpus, storage_gb: 0.4, egress_gb: 0.05, estimated_cost: Math.round((memory_gb * 0.01 + cpu_vcpus * 0.02) * 10_000) / 10_000 };
}

describeWithBrowser('Lightd container and daemon pages in a browser (Lightd v2 fake)', () => {
  let pharos: RunningPharos;
  let browser: Browser;
  let page: Page;
  let daemon: FakeLightdDaemon;
  let daemonId: string;
  let containerId: string;

  beforeAll(async () => {
    ensureWebBuilt();
    pharos = await startPharos({ env: { PHAROS_WEB_DIR: WEB_DIST, LIGHTD_USAGE_SAMPLE_SECONDS: '0.5', LIGHTD_CONSOLE_RECONNECT_MIN_MS: '20', LIGHTD_CONSOLE_RECONNECT_MAX_MS: '200' } });
    const admin = await pharos.login();
    const registered = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name: 'node-7', apiUrl: 'http://127.0.0.1:9', apiToken: API_TOKEN } });
    daemonId = registered.body.daemon.id;
    const serverId: string = registered.body.daemon.serverId;
    daemon = await FakeLightdDaemon.start({ masterToken: API_TOKEN, remote: { url: `${pharos.baseUrl}/api/lightd`, token: registered.body.remoteToken }, postStartCheckMs: 20, billingIntervalMs: 200 });
    await pharos.request(`/api/v1/lightd/daemons/${daemonId}`, { method: 'PATCH', token: admin, body: { apiUrl: daemon.apiUrl } });
    // The day before the test, as the sampler would have written it from the same daemon's gauges
    // (first, so that nothing else writes the rollups meanwhile).
    const rows = (at: number) => ['mc-survival', 'mc-lobby'].map((internalId) => {
      const g = gauge(internalId, at);
      return { internalId, usageMemoryGb: g.memory_gb, usageCpuVcpus: g.cpu_vcpus, usageStorageGb: g.storage_gb, usageEgressGb: g.egress_gb, usageCost: g.estimated_cost, daemon: { serverId } };
    });
    // Yesterday's day partition is made by the retention job's pass (a sample of a day whose
    // partition is being made could fail): one pass now, before writing the day.
    await pharos.app.get(RetentionJob).run();
    // Samples far from now fold into their rollups one statement each: a few at a time.
    for (let at = Date.now() - 24 * HOUR_MS; at < Date.now() - 600_000; at += 5 * 600_000) {
      const hour = [0, 1, 2, 3, 4].map((k) => at + k * 600_000).flatMap((t) => usageSamples(rows(t), new Date(t)));
      await pharos.app.get(MetricsService).recordHistory(hour);
    }
    // Then the daemon itself: installs, then a gauge per running container every 200 ms.
    await daemon.install('mc-survival', 20);
    await daemon.install('mc-lobby', 20);
    daemon.startBilling((internalId) => gauge(internalId));
    const containers = await pharos.request(`/api/v1/lightd/daemons/${daemonId}/containers`, { token: admin });
    containerId = containers.body.items.find((c: { internalId: string }) => c.internalId === 'mc-survival').id;

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signIn(page, pharos.baseUrl, 'admin', TEST_ADMIN_PASSWORD);
  }, 180_000);

  async function chartsDrawn(): Promise<void> {
    for (const chart of ['Memory chart', 'CPU chart', 'Cost chart']) await page.getByRole('region', { name: chart }).locator('.uplot').waitFor();
  }

  /** The page, and its usage section on its own (the page scrolls inside its frame). */
  async function shots(name: string): Promise<void> {
    await screenshot(page, name);
    await page.getByRole('region', { name: 'Usage' }).screenshot({ path: path.join(SCREENSHOTS, `${name}-usage.png`) });
  }

  afterAll(async () => {
    daemon?.stopBilling();
    await browser?.close();
    await pharos?.close();
    await daemon?.close();
  });

  it('shows the container\'s live console through a minted token, and its usage as figures and 24-hour charts', async () => {
    await page.goto(`${pharos.baseUrl}/lightd/containers/${containerId}`);
    const [connection] = await daemon.waitForOpen('mc-survival');
    expect(connection!.token).not.toBe(API_TOKEN);
    daemon.print('mc-survival', '[Server thread/INFO]: Done (3.2s)! For help, type "help"');
    daemon.print('mc-survival', '[Server thread/INFO]: Player joined the game');
    await page.getByText('Player joined the game').waitFor();
    await page.getByLabel('Console command').fill('list');
    await page.getByRole('button', { name: 'Send' }).click();
    expect(await daemon.receivedBy(connection!, 1)).toContainEqual({ send_command: ['list'] });

    const figures = page.getByRole('region', { name: 'Usage' }).getByLabel('Latest usage');
    await figures.getByText(/^\d\.\d{2} GiB$/).first().waitFor();
    await chartsDrawn();
    expect(await page.locator('.chart-empty').count()).toBe(0);
    await useTheme(page, 'light');
    await shots('lightd-container-light');
    // Charts take the theme's colours when drawn: switch, then load the page again.
    await useTheme(page, 'dark');
    await page.reload();
    await chartsDrawn();
    // A new viewer sees what comes from now on (Lightd replays nothing on connect; logs on request).
    await daemon.waitForOpen('mc-survival');
    daemon.print('mc-survival', '[Server thread/INFO]: Saved the game');
    await page.getByText('Saved the game').waitFor();
    await shots('lightd-container-dark');
  });

  it('shows the daemon\'s containers with their usage, summed at one instant and charted', async () => {
    await page.goto(`${pharos.baseUrl}/lightd/daemons/${daemonId}`);
    const figures = page.getByLabel('Latest usage');
    await figures.getByText('Running containers').waitFor();
    await page.getByRole('cell', { name: 'mc-lobby' }).waitFor();
    await chartsDrawn();
    await useTheme(page, 'dark');
    await shots('lightd-daemon-dark');
    await useTheme(page, 'light');
    await page.reload();
    await chartsDrawn();
    await shots('lightd-daemon-light');
  });
});
