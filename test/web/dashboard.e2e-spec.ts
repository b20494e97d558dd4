import type { Browser, Page } from 'playwright-core';
import { describeWithBrowser, ensureWebBuilt, launchBrowser, PageProblems, screenshot, useTheme, WEB_DIST } from '../support/dashboard-browser';
import { enrolAgentServer, FakeAgent } from '../support/fake-agent';
import { FakeLightdDaemon } from '../support/fake-lightd-daemon';
import { LightdEmulator } from '../support/lightd-emulator';
import { startPharos, TEST_ADMIN_PASSWORD, type RunningPharos } from '../support/pharos-test-app';

const API_TOKEN = 'lightd_7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b7b';

describeWithBrowser('admin dashboard in a browser', () => {
  let pharos: RunningPharos;
  let browser: Browser;
  let page: Page;
  let agent: FakeAgent;
  let serverId: string;
  let daemon: FakeLightdDaemon;
  let containerId: string;
  let problems: PageProblems;

  const shot = (name: string) => screenshot(page, name);

  beforeAll(async () => {
    ensureWebBuilt();
    daemon = await FakeLightdDaemon.start({ masterToken: API_TOKEN });
    pharos = await startPharos({ env: { PHAROS_WEB_DIR: WEB_DIST, LIGHTD_CONSOLE_RECONNECT_MIN_MS: '20', LIGHTD_CONSOLE_RECONNECT_MAX_MS: '200' } });
    const admin = await pharos.login();

    const enrolled = await enrolAgentServer(pharos, admin, 'web-1', { group: 'prod', tags: ['edge'] });
    serverId = enrolled.serverId;
    agent = await FakeAgent.connect(pharos.wsUrl, enrolled.apiKey, {
      onCommand: (command) => ({ output: `ran: ${command.command}\nhello from web-1\n`, exit_code: 0, duration_ms: 12 }),
    });
    agent.sendMetrics({ cpu_percent: 21.5 });

    const registered = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name: 'node-7', apiUrl: daemon.apiUrl, apiToken: API_TOKEN } });
    const lightd = new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: registered.body.remoteToken });
    daemon.addContainer('mc-1');
    await lightd.sendStatus('mc-1', 'ready');
    const containers = await pharos.request(`/api/v1/lightd/daemons/${registered.body.daemon.id}/containers`, { token: admin });
    containerId = containers.body.items[0].id;

    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    problems = new PageProblems(page);
  }, 120_000);

  afterEach(() => problems.expectNone());

  afterAll(async () => {
    await browser?.close();
    agent?.close();
    await pharos?.close();
    await daemon?.close();
  });

  it('signs in and lists the fleet', async () => {
    await page.goto(pharos.baseUrl);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(TEST_ADMIN_PASSWORD);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.getByRole('link', { name: 'web-1' }).first().waitFor();
    await page.getByText('node-7').first().waitFor();
    await page.getByText('22%').first().waitFor(); // the sparklines' latest CPU
    await shot('fleet');
  });

  it('shows a server\'s live numbers as the agent reports them', async () => {
    await page.goto(`${pharos.baseUrl}/servers/${serverId}`);
    await page.getByText('21.5%').first().waitFor();
    agent.sendMetrics({ cpu_percent: 87.25 });
    await page.getByText('87.3%').first().waitFor();
    await page.locator('.uplot').first().waitFor();
    await shot('server');
  });

  it('runs a command and shows its output', async () => {
    await page.goto(`${pharos.baseUrl}/servers/${serverId}?tab=commands`);
    await page.getByLabel('Command', { exact: true }).fill('uptime');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByText('hello from web-1').first().waitFor();
    await shot('command');
  });

  it('opens a container console and shows its lines', async () => {
    await page.goto(`${pharos.baseUrl}/lightd/containers/${containerId}`);
    const [connection] = await daemon.waitForOpen('mc-1');
    daemon.print('mc-1', 'Server started on port 25565\n');
    await page.getByText('Server started on port 25565').waitFor();
    await page.getByLabel('Console command').fill('say hi');
    await page.getByRole('button', { name: 'Send' }).click();
    expect(await daemon.receivedBy(connection!, 1)).toContainEqual({ send_command: ['say hi'] });
    await shot('console');
  });

  it('creates an agent and shows its connection settings once', async () => {
    await page.goto(`${pharos.baseUrl}/credentials`);
    const form = page.getByRole('region', { name: 'New agent' });
    await form.getByLabel('Server name').fill('web-2');
    await form.getByRole('button', { name: 'Create agent and key' }).click();
    const install = page.getByLabel('Agent connection', { exact: true });
    await install.waitFor();
    expect(await install.textContent()).toMatch(/"type":"auth","api_key":"pak_\S+"/);
    await shot('credentials');
  });

  it('issues another API key on the server page, shown once', async () => {
    await page.goto(`${pharos.baseUrl}/servers/${serverId}?tab=access`);
    await page.getByRole('button', { name: 'Issue a new key' }).click();
    expect(await page.getByLabel('Agent API key', { exact: true }).textContent()).toMatch(/^pak_/);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByRole('button', { name: 'Revoke' }).count()).toBe(2);
  });

  it('uploads a node release, offers it to every node and shows its rollout', async () => {
    await page.goto(`${pharos.baseUrl}/releases`);
    const upload = page.getByRole('form', { name: 'Upload a release' });
    await upload.getByLabel('Version').fill('0.9.0');
    await upload.getByLabel('Binary').setInputFiles({ name: 'ithiltir-node', mimeType: 'application/octet-stream', buffer: Buffer.from('#!/bin/sh\necho node\n') });
    await upload.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('cell', { name: 'linux/amd64' }).waitFor();
    await page.getByRole('button', { name: 'Offer to nodes' }).click();
    await page.getByRole('region', { name: 'Rollout of 0.9.0' }).waitFor();
    await shot('releases');
  });

  it('renders the Lightd page and the dark theme on a phone', async () => {
    await page.goto(`${pharos.baseUrl}/lightd`);
    await page.getByRole('link', { name: 'mc-1' }).waitFor();
    await page.setViewportSize({ width: 390, height: 800 });
    await useTheme(page, 'dark');
    await shot('lightd-phone-dark');
  });
});
