import { PrismaService } from '@pharos/database';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { MetricRetentionService } from '../../apps/server/src/fleet/metrics/metric-retention.service';
import { MetricRollupsService } from '../../apps/server/src/fleet/metrics/metric-rollups.service';
import { ServerPresenceService } from '../../apps/server/src/fleet/servers/server-presence.service';
import {
  DESKTOP,
  describeWithBrowser,
  ensureWebBuilt,
  openSignedIn,
  PageProblems,
  PHONE,
  screenshot,
  screenshotEverywhere,
  seriousAccessibilityViolations,
  useTheme,
  WEB_DIST,
} from '../support/dashboard-browser';
import { eventually } from '../support/eventually';
import { enrolAgentServer, FakeAgent } from '../support/fake-agent';
import { FakeLightdDaemon } from '../support/fake-lightd-daemon';
import { IthiltirNodeEmulator } from '../support/ithiltir-node-emulator';
import { LightdEmulator } from '../support/lightd-emulator';
import { startPharos, TEST_ADMIN_PASSWORD, type RunningPharos } from '../support/pharos-test-app';

const API_TOKEN = 'lightd_5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c';
const HOUR = 3_600_000;
const HISTORY_HOURS = 48;
/** The recorded history's spacing: wider than an agent's 5 s, within what a line bridges (12.5 s). */
const HISTORY_STEP_S = 10;

/**
 * Two days of a server's samples, ending `end`, written as bulk imports are (one INSERT over
 * generate_series), with two interfaces and two mounts (or two disks and two sensors) as
 * per-entity series, under the names the history serves.
 */
async function recordHistory(prisma: PrismaService, serverId: string, end: Date, kind: 'agent' | 'node'): Promise<void> {
  const series =
    kind === 'agent'
      ? `jsonb_build_object('iface_rx_bytes_per_sec', jsonb_build_object('eth0', 4000 + n % 900, 'eth1', 1500 + n % 300),
                            'iface_tx_bytes_per_sec', jsonb_build_object('eth0', 2000 + n % 500, 'eth1', 800 + n % 200),
                            'fs_used_percent', jsonb_build_object('/', 41 + (n % 50) / 100.0, '/data', 77 + (n % 30) / 100.0))`
      : `jsonb_build_object('disk_io_read_bytes_per_sec', jsonb_build_object('sda', 9e5 + n % 4000, 'nvme0n1', 3e6 + n % 9000),
                            'disk_io_write_bytes_per_sec', jsonb_build_object('sda', 4e5 + n % 3000, 'nvme0n1', 1e6 + n % 7000),
                            'temp_c', jsonb_build_object('k10temp/Tctl', 48 + n % 11, 'smart:sda', 35 + n % 4))`;
  const samples = (HISTORY_HOURS * 3600) / HISTORY_STEP_S;
  await prisma.$executeRawUnsafe(
    `INSERT INTO "MetricSample" ("serverId", "at", "cpuPercent", "memoryPercent", "diskPercent", "load1",
                                 "netRxBytesPerS", "netTxBytesPerS", "diskReadBytesPerS", "diskWriteBytesPerS", "series")
     SELECT $1::uuid, $2::timestamptz - make_interval(secs => n * ${HISTORY_STEP_S}),
            35 + 25 * sin(n / 40.0) + (n % 7), 55 + 10 * cos(n / 90.0), 48, 0.6 + (n % 5) / 10.0,
            5500 + 900 * sin(n / 25.0), 2800 + 500 * cos(n / 30.0),
            ${kind === 'node' ? '39e5 + 1e5 * sin(n / 20.0), 14e5 + 1e5 * cos(n / 20.0)' : 'NULL, NULL'},
            ${series}
       FROM generate_series(0, $3 - 1) AS n`,
    serverId,
    end.toISOString(),
    samples,
  );
}

/** The `data-points` and `data-runs` of the chart in the card titled `title`: what it draws in its window. */
async function chartShape(page: Page, title: string): Promise<{ points: number; runs: number }> {
  const chart = page.locator('section.chart-card', { has: page.getByRole('heading', { name: title, exact: true }) }).locator('.chart');
  return { points: Number(await chart.getAttribute('data-points')), runs: Number(await chart.getAttribute('data-runs')) };
}

describeWithBrowser('the dashboard as a monitoring product', () => {
  let pharos: RunningPharos;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let admin: string;
  let web1: string;
  let web2: string;
  let db1: string;
  let containerId: string;
  let agent1: FakeAgent;
  let agent2: FakeAgent;
  let daemon: FakeLightdDaemon;
  let ticker: ReturnType<typeof setInterval>;
  const commandsSeen: string[] = [];

  beforeAll(async () => {
    ensureWebBuilt();
    daemon = await FakeLightdDaemon.start({ masterToken: API_TOKEN });
    daemon.addContainer('3f2a9c1e-77aa-4b1e-9d4c-0a1b2c3d4e5f', { installState: 'ready', running: true });
    pharos = await startPharos({ env: { PHAROS_WEB_DIR: WEB_DIST } });
    admin = await pharos.login();
    const prisma = pharos.app.get(PrismaService);
    // One alert on purpose (web-2's CPU): the built-in rules would add db-1's offline, failing
    // disk and degraded array (the alerts page's own test covers them).
    for (const rule of (await pharos.request('/api/v1/alerts/rules', { token: admin })).body.items.filter((r: { builtIn: boolean }) => r.builtIn)) {
      await pharos.request(`/api/v1/alerts/rules/${rule.id}`, { method: 'PATCH', token: admin, body: { enabled: false } });
    }
    // The day partitions the history goes into, made now rather than by the start-up pass in the
    // background while it is written.
    await pharos.app.get(MetricRetentionService).maintain();

    // web-1: an agent with two days of history, reporting live every second from now on.
    const enrolled1 = await enrolAgentServer(pharos, admin, 'web-1', { group: 'web', tags: ['prod', 'eu'] });
    web1 = enrolled1.serverId;
    const now = new Date();
    await recordHistory(prisma, web1, new Date(now.getTime() - 1000), 'agent');
    agent1 = await FakeAgent.connect(pharos.wsUrl, enrolled1.apiKey, {
      onCommand: (command) => {
        commandsSeen.push(command.command);
        return { output: `ran ${command.command}\n`, exit_code: 0, duration_ms: 3 };
      },
    });
    let counters = 0;
    const report = () => {
      counters += 1;
      agent1.sendMetrics({
        cpu_percent: 30 + (counters % 10),
        network: [
          { interface: 'eth0', bytes_recv: 1e9 + counters * 5000, bytes_sent: 5e8 + counters * 2500 },
          { interface: 'eth1', bytes_recv: 2e9 + counters * 1500, bytes_sent: 7e8 + counters * 800 },
        ],
      });
    };
    report();
    ticker = setInterval(report, 1000);

    // web-2: an agent whose CPU sets off a critical alert.
    const enrolled2 = await enrolAgentServer(pharos, admin, 'web-2', { group: 'web', tags: ['prod'] });
    web2 = enrolled2.serverId;
    await pharos.request('/api/v1/alert-rules', { token: admin, body: { name: 'CPU hot', metric: 'cpu_percent', op: 'gt', threshold: 90, severity: 'critical', serverId: web2 } });
    agent2 = await FakeAgent.connect(pharos.wsUrl, enrolled2.apiKey);
    agent2.sendMetrics({ cpu_percent: 97 });
    await eventually(async () => expect((await pharos.request('/api/v1/alerts?state=firing', { token: admin })).body.total).toBe(1), 10_000);

    // db-1: an Ithiltir node with its Static and two days of history (disks, sensors), gone offline.
    const node = await pharos.request('/api/v1/nodes', { token: admin, body: { name: 'db-1', tags: ['prod'] } });
    db1 = node.body.node.id;
    const emulator = new IthiltirNodeEmulator({ targetUrl: `${pharos.baseUrl}/api/node/metrics`, key: node.body.secret, hostname: 'db-1.example', intervalSeconds: 3 });
    expect((await emulator.postStatic()).status).toBe(200);
    await recordHistory(prisma, db1, new Date(now.getTime() - 2 * HOUR), 'node');
    await pharos.app.get(ServerPresenceService).offline(db1, 'Node stopped reporting', 'node.offline');
    // As if it had gone quiet two hours ago, with its last report.
    await prisma.$executeRaw`UPDATE "Server" SET "lastSeenAt" = ${new Date(now.getTime() - 2 * HOUR)}, "statusChangedAt" = ${new Date(now.getTime() - 2 * HOUR + 60_000)} WHERE "id" = ${db1}::uuid`;
    await pharos.app.get(MetricRollupsService).rebuild(new Date(now.getTime() - (HISTORY_HOURS + 3) * HOUR), new Date(now.getTime() + 60_000));

    // A fleet behind them, never seen: the list is long enough to scroll.
    for (let i = 1; i <= 24; i++) await pharos.request('/api/v1/servers', { token: admin, body: { name: `edge-${String(i).padStart(2, '0')}`, tags: ['edge'] } });

    // A Lightd daemon with a container whose console is open to the dashboard.
    const registered = await pharos.request('/api/v1/lightd/daemons', { token: admin, body: { name: 'node-7', apiUrl: daemon.apiUrl, apiToken: API_TOKEN } });
    await new LightdEmulator({ url: `${pharos.baseUrl}/api/lightd`, token: registered.body.remoteToken }).sendStatus('3f2a9c1e-77aa-4b1e-9d4c-0a1b2c3d4e5f', 'ready');
    containerId = (await pharos.request('/api/v1/lightd/containers', { token: admin })).body.items[0].id;

    ({ browser, context, page, problems } = await openSignedIn(pharos.baseUrl, TEST_ADMIN_PASSWORD, DESKTOP));
  }, 180_000);

  afterEach(() => problems.expectNone());

  afterAll(async () => {
    clearInterval(ticker);
    await browser?.close();
    agent1?.close();
    agent2?.close();
    await pharos?.close();
    await daemon?.close();
  });

  it('keeps the refresh token out of the page: an httpOnly cookie, and a reload stays signed in', async () => {
    expect(await page.evaluate('Object.keys(localStorage).filter((k) => /refresh/i.test(k))')).toEqual([]);
    expect(await page.evaluate('document.cookie')).not.toMatch(/pharos_refresh/);
    const cookies = await context.cookies(pharos.baseUrl + '/api/v1/auth/refresh');
    expect(cookies.find((c) => c.name === 'pharos_refresh')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/v1/auth/refresh' });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Fleet' }).waitFor();
  });

  it('lists trouble first, with each server\'s alerts, the alerts firing, and their count in the tab title', async () => {
    await page.goto(pharos.baseUrl);
    // The rows in the list's order (a virtual list reuses its elements, so by their row index).
    const order = () =>
      page.locator('.fleet-table .vrow').evaluateAll((rows) =>
        rows
          .map((row) => [Number(row.getAttribute('aria-rowindex')), row.querySelector('[data-server]')?.getAttribute('data-server')] as const)
          .sort((a, b) => a[0] - b[0])
          .map(([, name]) => name),
      );
    await eventually(async () => expect((await order()).slice(0, 3)).toEqual(['db-1', 'web-2', 'edge-01']));
    await page.locator('[data-server="web-2"] .alert-badge').getByText('1 alert').waitFor();
    const firing = page.getByRole('region', { name: '1 alert firing' });
    await firing.getByRole('link', { name: 'web-2' }).waitFor();
    await eventually(async () => expect(await page.title()).toBe('(1) Fleet · Pharos'));
    // The online server comes last; its latest values beside its lines.
    await page.getByLabel('Search servers').fill('web-1');
    await page.locator('[data-server="web-1"] .metric-value').first().getByText(/\d+%/).waitFor();
    await screenshot(page, 'fleet-web-1-lines-desktop');
    await page.getByLabel('Search servers').fill('');
    await page.locator('[data-server="db-1"]').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await useTheme(page, 'light');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotEverywhere(page, 'fleet', () => page.locator('[data-server="db-1"]').first().waitFor());
  });

  it('offers a skip link first, one h1, and table semantics a screen reader can walk', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(pharos.baseUrl);
    await page.locator('[data-server="db-1"]').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('content');
    expect(await page.locator('h1').count()).toBe(1);
    const table = page.getByRole('table', { name: 'Servers' });
    expect(await table.getByRole('columnheader').count()).toBe(8);
    expect(await table.getByRole('columnheader', { name: 'Name' }).getAttribute('aria-sort')).toBe('none');
    expect(await table.getByRole('row', { name: /db-1/ }).getByRole('cell').count()).toBe(8);
  });

  it('shows the fleet as cards, and by tag', async () => {
    await page.goto(`${pharos.baseUrl}/?view=cards`);
    await page.locator('.server-card[data-server="db-1"]').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotEverywhere(page, 'fleet-cards', () => page.locator('[data-server="db-1"]').first().waitFor());
    await page.goto(`${pharos.baseUrl}/?by=tag`);
    const prod = page.getByRole('region', { name: '#prod' });
    await prod.locator('[data-server="db-1"]').waitFor();
    expect(await prod.locator('[data-server]').evaluateAll((els) => els.map((el) => el.getAttribute('data-server')))).toEqual(['db-1', 'web-2', 'web-1']);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotEverywhere(page, 'fleet-by-tag', () => prod.locator('[data-server="db-1"]').waitFor());
  });

  it('selects servers and acts on them together: a tag for all, a command on the agents', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(`${pharos.baseUrl}/?tag=prod`);
    for (const name of ['web-1', 'db-1']) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
    const bar = page.getByRole('region', { name: 'Actions on the selected servers' });
    await bar.getByText('2 selected').waitFor();
    await bar.getByRole('button', { name: 'Add a tag…' }).click();
    const tagDialog = page.getByRole('dialog', { name: 'Add a tag to 2 servers' });
    await tagDialog.getByLabel('Tag').fill('batch-7');
    await tagDialog.getByRole('button', { name: 'Add tag' }).click();
    await eventually(async () => expect((await pharos.request('/api/v1/servers?tag=batch-7', { token: admin })).body.items.map((s: any) => s.name).sort()).toEqual(['db-1', 'web-1']));

    for (const name of ['web-1', 'db-1']) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
    await bar.getByRole('button', { name: 'Run a command…' }).click();
    const run = page.getByRole('dialog', { name: 'Run a command on 1 agent' });
    await run.getByText('1 selected server is skipped').waitFor();
    await screenshot(page, 'fleet-bulk-command-desktop-dark');
    await run.getByLabel('Command').fill('uptime');
    await run.getByRole('button', { name: 'Run' }).click();
    await bar.getByText('Done on 1 server, 1 skipped.').waitFor();
    await eventually(() => expect(commandsSeen).toContain('uptime'));
  });

  it('draws the last ten minutes as one line from the recorded history into the live samples', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(`${pharos.baseUrl}/servers/${web1}`);
    await page.getByRole('heading', { level: 1, name: /web-1/ }).waitFor();
    await eventually(async () => expect(await page.title()).toBe('(1) web-1 · Pharos'));
    // History at 10 s spacing, live samples every second: well over 55 points, no break.
    const loaded = await eventually(async () => {
      const shape = await chartShape(page, 'CPU and memory');
      expect(shape.points).toBeGreaterThan(55);
      return shape;
    }, 15_000);
    await eventually(async () => {
      const shape = await chartShape(page, 'CPU and memory');
      expect(shape.points).toBeGreaterThan(loaded.points + 2);
      expect(shape.runs).toBe(1);
    }, 15_000);
    expect((await chartShape(page, 'Network')).runs).toBe(1);
    // Per mount and per interface; an agent sends no disk I/O, so there is no empty chart of it.
    await page.getByRole('heading', { name: 'Filesystems', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Network by interface', exact: true }).waitFor();
    expect(await page.getByRole('heading', { name: 'Disk I/O', exact: true }).count()).toBe(0);
    await page.locator('.live-badge[data-state="live"]').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotEverywhere(page, 'server-live', () => page.locator('.uplot').first().waitFor());
  });

  it('charts a day from the rollups with min/max bands, zooms on a drag and resets on a double-click', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(`${pharos.baseUrl}/servers/${web1}?range=24h`);
    await page.getByText('per-minute averages; bands from lowest to highest').waitFor();
    const day = await eventually(async () => {
      const shape = await chartShape(page, 'CPU and memory');
      expect(shape.points).toBeGreaterThan(600);
      expect(shape.runs).toBe(1);
      return shape;
    });
    const plot = page.locator('section.chart-card', { has: page.getByRole('heading', { name: 'CPU and memory', exact: true }) }).locator('.u-over');
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Reset zoom' }).waitFor();
    const zoomed = await chartShape(page, 'CPU and memory');
    expect(zoomed.points).toBeLessThan(day.points / 2);
    await screenshot(page, 'server-24h-zoomed-desktop-dark');
    await plot.dblclick({ position: { x: box.width / 2, y: box.height / 2 } });
    await eventually(async () => expect((await chartShape(page, 'CPU and memory')).points).toBe(day.points));
    expect(await page.getByRole('button', { name: 'Reset zoom' }).count()).toBe(0);
    await screenshotEverywhere(page, 'server-24h', () => page.locator('.uplot').first().waitFor());
  });

  it('makes an offline server unmistakable: a banner, greyed last values, no live badge, its last day charted', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(`${pharos.baseUrl}/servers/${db1}`);
    await page.getByText('This server is offline.').waitFor();
    expect(await page.locator('.page-header .live-badge').count()).toBe(0);
    const gauges = page.locator('.gauges-section.stale');
    await gauges.getByText('Last values received, 2 h ago: the server is not reporting now.').waitFor();
    await gauges.locator('.gauge').first().getByText(/^\d+\.\d%$/).waitFor();
    await eventually(async () => expect((await chartShape(page, 'CPU and memory')).points).toBeGreaterThan(500));
    for (const title of ['Temperatures', 'Disk I/O by disk', 'Disk I/O']) await page.getByRole('heading', { name: title, exact: true }).waitFor();
    expect((await chartShape(page, 'Temperatures')).points).toBeGreaterThan(500);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotEverywhere(page, 'server-offline', () => page.locator('.uplot').first().waitFor());
    // A week and a month from the hour rollups: points across the whole axis.
    for (const range of ['7 d', '30 d']) {
      await page.getByRole('radio', { name: range }).click();
      await page.getByText('hourly averages; bands from lowest to highest').waitFor();
      await eventually(async () => expect((await chartShape(page, 'CPU and memory')).points).toBeGreaterThan(40));
    }
    await screenshot(page, 'server-offline-30d-desktop-dark');
  });

  it('tells of a server that does not exist, with a way back', async () => {
    problems.allow(/status of 404/);
    await page.goto(`${pharos.baseUrl}/servers/${randomUUID()}`);
    await page.getByText('It does not exist (any more).').waitFor();
    await page.getByRole('link', { name: 'Back to the fleet' }).click();
    await page.getByRole('heading', { level: 1, name: 'Fleet' }).waitFor();
  });

  it('runs a console command once, with no error for Pharos\'s "relayed", and shows the container\'s CPU and memory', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(`${pharos.baseUrl}/lightd/containers/${containerId}`);
    await page.getByRole('heading', { level: 1, name: /Container 3f2a9c1e/ }).waitFor();
    const [connection] = await daemon.waitForOpen('3f2a9c1e-77aa-4b1e-9d4c-0a1b2c3d4e5f');
    daemon.stats('3f2a9c1e-77aa-4b1e-9d4c-0a1b2c3d4e5f', {
      memory_bytes: 1_610_612_736,
      memory_limit_bytes: 4_294_967_296,
      cpu_absolute: 42.5,
      network: { rx_bytes: 1, tx_bytes: 1 },
      uptime: 60,
      state: 'running',
      disk_bytes: 0,
    });
    const usage = page.getByLabel('Container usage');
    await usage.getByText('42.5%').waitFor();
    await usage.getByText('1.5 GB').waitFor();
    await page.getByLabel('Console command').fill('say hi');
    await page.getByRole('button', { name: 'Send' }).click();
    await eventually(() => expect(connection!.received).toContainEqual({ send_command: ['say hi'] }));
    const output = page.getByRole('log', { name: 'Console output' });
    await output.locator('.cmd').getByText('> say hi').waitFor();
    await page.getByRole('button', { name: 'Restart' }).click();
    await output.locator('.cmd').getByText('— Restart —').waitFor();
    expect(await output.getByText('say hi').count()).toBe(1);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotEverywhere(page, 'container', () => usage.waitFor());
  });

  it('passes axe on every other page, in both themes, each with one h1 and its own title', async () => {
    const daemonId = (await pharos.request('/api/v1/lightd/daemons', { token: admin })).body.items[0].id;
    for (const [name, path, title] of [
      ['lightd', '/lightd', 'Lightd'],
      ['daemon', `/lightd/daemons/${daemonId}`, 'node-7'],
      ['credentials', '/credentials', 'Credentials'],
      ['releases', '/releases', 'Releases'],
      ['users', '/users', 'Users'],
      ['audit', '/audit', 'Audit log'],
      ['server-logs', `/servers/${web1}?tab=logs`, 'web-1'],
      ['server-commands', `/servers/${web1}?tab=commands`, 'web-1'],
      ['server-keys', `/servers/${web1}?tab=access`, 'web-1'],
      ['not-found', '/nowhere', 'Not found'],
    ] as const) {
      await page.setViewportSize(DESKTOP);
      await page.goto(`${pharos.baseUrl}${path}`);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      expect(await page.locator('h1').count()).toBe(1);
      await eventually(async () => expect(await page.title()).toBe(`(1) ${title} · Pharos`));
      for (const theme of ['dark', 'light'] as const) {
        await useTheme(page, theme);
        expect({ page: name, theme, violations: await seriousAccessibilityViolations(page) }).toEqual({ page: name, theme, violations: [] });
      }
      await screenshotEverywhere(page, name, () => page.getByRole('heading', { level: 1, name: title }).waitFor());
    }
    // Every tab of a server in sight on a phone, "API keys" too.
    await page.setViewportSize(PHONE);
    await page.goto(`${pharos.baseUrl}/servers/${web1}`);
    const keysTab = page.getByRole('tab', { name: 'API keys' });
    const tab = (await keysTab.boundingBox())!;
    expect(tab.x + tab.width).toBeLessThanOrEqual(PHONE.width);
  });

  it('speaks Chinese when asked, and English again', async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(pharos.baseUrl);
    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { level: 1, name: '服务器' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    await page.getByRole('columnheader', { name: '名称' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await screenshotEverywhere(page, 'fleet-zh', () => page.locator('[data-server="db-1"]').first().waitFor());
    await page.goto(`${pharos.baseUrl}/servers/${db1}`);
    await page.getByText('该服务器已离线。').waitFor();
    await screenshot(page, 'server-offline-zh-desktop-dark');
    await page.getByLabel('语言').selectOption('en');
    await page.getByText('This server is offline.').waitFor();
  });

  it('serves the dashboard compressed, hashed assets immutable, no source maps, under its CSP', async () => {
    const index = await fetch(pharos.baseUrl);
    expect(index.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'; style-src 'self'/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)![1]!;
    for (const [encoding, expected] of [['br', 'br'], ['gzip', 'gzip'], ['br, gzip', 'br']] as const) {
      const res = await fetch(`${pharos.baseUrl}${script}`, { headers: { 'accept-encoding': encoding } });
      expect(res.headers.get('content-encoding')).toBe(expected);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
    }
    const plain = await fetch(`${pharos.baseUrl}${css}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('content-type')).toMatch(/text\/css/);
    expect((await fetch(`${pharos.baseUrl}${script}.map`)).status).toBe(404);
    expect((await fetch(`${pharos.baseUrl}/assets/nothing-here.js.map`)).status).toBe(404);
    expect(await (await fetch(`${pharos.baseUrl}${script}`, { headers: { 'accept-encoding': 'identity' } })).text()).not.toMatch(/sourceMappingURL/);
  });
});
