import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AgentProcess, ensureAgentBuilt } from '../support/agent-process';
import { describeWithBrowser, ensureWebBuilt, openSignedIn, PageProblems, screenshotEverywhere, seriousAccessibilityViolations, useTheme, WEB_DIST } from '../support/dashboard-browser';
import { eventually } from '../support/eventually';
import { enrolAgentServer } from '../support/fake-agent';
import { startPharos, TEST_ADMIN_PASSWORD, type RunningPharos } from '../support/pharos-test-app';
import { TestSocket } from '../support/test-socket';

const PUBLIC_URL = 'https://pharos.example.test/ops';
const WINDOW = 64 * 1024;

/** The text xterm.js shows (its DOM renderer's rows). */
function terminalText(page: Page): Promise<string> {
  return page.locator('.xterm-rows').innerText();
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * The web terminal end to end: the real agent process (a real PTY) against Pharos on
 * PostgreSQL, the dashboard in Chromium. An admin types a command and sees its output; the
 * session is in the audit log; a viewer is refused; output waits for the browser's acks; and
 * the systemd installer is served with the public URL.
 */
describeWithBrowser('web terminal through the real agent', () => {
  let pharos: RunningPharos;
  let agent: AgentProcess;
  let workdir: string;
  let admin: string;
  let serverId: string;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  const wsUrl = (size = '') => `${pharos.baseUrl.replace(/^http/, 'ws')}/api/v1/ws/terminal/${serverId}${size}`;
  const audit = async () => (await pharos.request('/api/v1/audit?action=terminal.', { token: admin })).body.items as { action: string; actor: { username: string }; target: { id: string }; data: Record<string, unknown> }[];

  beforeAll(async () => {
    ensureWebBuilt();
    ensureAgentBuilt();
    pharos = await startPharos({ env: { PHAROS_WEB_DIR: WEB_DIST, PHAROS_PUBLIC_URL: PUBLIC_URL, TERMINAL_WINDOW_BYTES: String(WINDOW) } });
    admin = await pharos.login();
    const enrolled = await enrolAgentServer(pharos, admin, 'term-1');
    serverId = enrolled.serverId;
    workdir = mkdtempSync(path.join(os.tmpdir(), 'terminal-e2e-'));
    agent = AgentProcess.start(['--url', pharos.baseUrl, '--workdir', workdir, '--no-docker', '--terminal-shell', '/bin/sh', '--log-level', 'debug'], {
      PHAROS_AGENT_KEY: enrolled.apiKey,
    });
    await eventually(async () => expect((await pharos.request(`/api/v1/servers/${serverId}`, { token: admin })).body.status).toBe('online'), 30_000);
    ({ browser, page, problems } = await openSignedIn(pharos.baseUrl, TEST_ADMIN_PASSWORD, { width: 1280, height: 800 }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    expect(await agent?.stop()).toBe(0);
    await pharos?.close();
    rmSync(workdir, { recursive: true, force: true });
  });

  it('opens a shell on the host from the server page: typed commands run and their output shows; axe-clean in both themes', async () => {
    await page.goto(`${pharos.baseUrl}/servers/${serverId}?tab=terminal`);
    await page.getByRole('status').filter({ hasText: 'Connected: /bin/sh' }).waitFor({ timeout: 20_000 });
    await page.locator('.xterm-helper-textarea').focus();
    // The shell computes the number: the typed line alone never shows it.
    await page.keyboard.type('echo "hi-$((20000 + 1234))-$PWD"\n');
    await eventually(async () => expect(await terminalText(page)).toContain(`hi-21234-${workdir}`), 15_000);
    for (const theme of ['dark', 'light'] as const) {
      await useTheme(page, theme);
      expect({ theme, violations: await seriousAccessibilityViolations(page) }).toEqual({ theme, violations: [] });
    }
    await screenshotEverywhere(page, 'server-terminal', () => page.locator('.xterm-rows').waitFor());
    await page.getByRole('button', { name: 'End session' }).click();
    await page.getByRole('status').filter({ hasText: 'The session was closed.' }).waitFor();
    problems.expectNone();

    // One entry as it opened and one as it closed, with who, which server and how long.
    await eventually(async () => {
      const entries = await audit();
      const close = entries.find((e) => e.action === 'terminal.close');
      const open = entries.find((e) => e.action === 'terminal.open');
      expect(open).toMatchObject({ actor: { username: 'admin' }, target: { id: serverId }, data: { shell: '/bin/sh' } });
      expect(close).toMatchObject({ actor: { username: 'admin' }, target: { id: serverId }, data: { sessionId: open!.data.sessionId, reason: 'closed', shell: '/bin/sh' } });
      expect(close!.data.durationMs).toEqual(Date.parse(close!.data.endedAt as string) - Date.parse(close!.data.startedAt as string));
      expect(close!.data.inputBytes).toBeGreaterThan(10);
    });
  }, 120_000);

  it('refuses a viewer with 4003, and shows viewers no Terminal tab', async () => {
    expect((await pharos.request('/api/v1/users', { token: admin, body: { username: 'vera', password: 'vera-password', role: 'viewer' } })).status).toBe(201);
    const viewer = await pharos.login('vera', 'vera-password');
    const socket = await TestSocket.open(wsUrl());
    socket.send({ type: 'auth', token: viewer });
    expect(await socket.next()).toEqual({ type: 'error', message: 'Only admins may open a terminal' });
    expect((await socket.closed).code).toBe(4003);
    expect((await audit()).filter((e) => e.actor.username === 'vera')).toEqual([]);

    const context = await browser.newContext();
    const viewerPage = await context.newPage();
    await viewerPage.goto(pharos.baseUrl);
    await viewerPage.getByLabel('Username').fill('vera');
    await viewerPage.getByLabel('Password').fill('vera-password');
    await viewerPage.getByRole('button', { name: /sign in/i }).click();
    await viewerPage.getByRole('link', { name: 'Fleet' }).waitFor();
    await viewerPage.goto(`${pharos.baseUrl}/servers/${serverId}`);
    await viewerPage.getByRole('tab', { name: 'Logs' }).waitFor();
    expect(await viewerPage.getByRole('tab', { name: 'Terminal' }).count()).toBe(0);
    await context.close();
  });

  it('holds output at the window until the browser acknowledges it, then lets the rest through', async () => {
    const socket = await TestSocket.open(wsUrl('?cols=100&rows=30'));
    socket.send({ type: 'auth', token: admin });
    const opened = await socket.nextMatching((m) => m.type === 'opened');
    expect(opened).toMatchObject({ shell: '/bin/sh', window: WINDOW });
    const total = 600_000;
    socket.send({ type: 'input', data: base64(`head -c ${total} /dev/zero | tr '\\0' x; echo; echo END-$((40+2))\n`) });
    let received = 0;
    let text = '';
    const take = async () => {
      const message = await socket.nextMatching((m) => m.type === 'output' || m.type === 'exit');
      expect(message.type).toBe('output');
      const bytes = Buffer.from(message.data, 'base64');
      received += bytes.length;
      text += bytes.toString('latin1');
    };
    // Without acks, no more than the window arrives, however long we wait.
    while (received < WINDOW / 2) await take();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    while (socket.pending > 0) await take();
    expect(received).toBeLessThanOrEqual(WINDOW);
    expect(received).toBeLessThan(total);
    // Acknowledging what arrived lets the rest through.
    while (!text.includes('END-42')) {
      socket.send({ type: 'ack', bytes: received });
      await take();
    }
    expect((text.match(/x/g) ?? []).length).toBeGreaterThanOrEqual(total);
    socket.close();
    expect((await socket.closed).code).toBe(1005);
    // Closing the socket ended the session on the agent: it is in the audit log with all its output.
    await eventually(async () => {
      const close = (await audit()).find((e) => e.action === 'terminal.close' && e.data.sessionId === opened.session_id);
      expect(close?.data).toMatchObject({ reason: 'closed' });
      expect(close!.data.outputBytes).toBeGreaterThanOrEqual(total);
    });
  }, 60_000);

  it('ends the browser socket when the shell exits (with its exit code), takes fresh tokens of its user only, and refuses a server whose agent is away', async () => {
    const socket = await TestSocket.open(wsUrl());
    socket.send({ type: 'auth', token: admin });
    await socket.nextMatching((m) => m.type === 'opened');
    socket.send({ type: 'input', data: base64('exit 7\n') });
    expect(await socket.nextMatching((m) => m.type === 'exit')).toMatchObject({ reason: 'exited', exit_code: 7 });
    expect((await socket.closed).code).toBe(1000);

    // A session outlives the access token it opened with when the browser hands over fresh ones.
    const renewing = await TestSocket.open(wsUrl());
    renewing.send({ type: 'auth', token: admin });
    await renewing.nextMatching((m) => m.type === 'opened');
    renewing.send({ type: 'token', token: await pharos.login() });
    expect(await renewing.nextMatching((m) => m.type === 'token_ok' || m.type === 'error')).toMatchObject({ type: 'token_ok' });
    renewing.send({ type: 'token', token: await pharos.login('vera', 'vera-password') });
    expect(await renewing.nextMatching((m) => m.type === 'token_ok' || m.type === 'error')).toEqual({ type: 'error', message: "The token is not of this socket's user and role" });
    renewing.send({ type: 'input', data: 'not base64!' });
    expect(await renewing.nextMatching((m) => m.type === 'error')).toEqual({ type: 'error', message: 'Invalid message format' });
    renewing.send({ type: 'close' });
    expect(await renewing.nextMatching((m) => m.type === 'exit')).toEqual({ type: 'exit', reason: 'closed' });
    expect((await renewing.closed).code).toBe(1000);

    const other = await enrolAgentServer(pharos, admin, 'term-away');
    const away = await TestSocket.open(wsUrl().replace(serverId, other.serverId));
    away.send({ type: 'auth', token: admin });
    expect(await away.nextMatching((m) => m.type === 'exit')).toEqual({ type: 'exit', reason: 'refused', message: `The agent of server ${other.serverId} is not connected` });
    expect((await away.closed).code).toBe(1000);
  });

  it('after an agent and key are created, shows how to install it (npx, Docker, systemd) and sees it connect', async () => {
    await page.goto(`${pharos.baseUrl}/credentials`);
    const form = page.getByRole('region', { name: 'New agent' });
    await form.getByLabel('Server name').fill('term-installed');
    await form.getByRole('button', { name: 'Create agent and key' }).click();
    const npx = await page.getByLabel('Run with npx (Node.js 20.19+)', { exact: true }).innerText();
    const apiKey = /PHAROS_AGENT_KEY=(pak_\S+)/.exec(npx)![1]!;
    expect(npx).toBe(`PHAROS_AGENT_KEY=${apiKey} npx pharos-agent --url ${pharos.baseUrl}`);
    expect(await page.getByLabel('Install as a systemd service (Linux, as root)', { exact: true }).innerText()).toBe(`curl -fsSL ${pharos.baseUrl}/api/v1/agents/install.sh | sudo sh -s -- --key ${apiKey}`);
    expect(await page.getByLabel('Run with Docker', { exact: true }).innerText()).toContain(`-e PHAROS_URL=${pharos.baseUrl} -e PHAROS_AGENT_KEY=${apiKey}`);
    await page.getByRole('status').filter({ hasText: 'Waiting for the agent to connect…' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    // The agent started as the npx line says (the same program, from this repository's build).
    const installed = AgentProcess.start(['--url', pharos.baseUrl, '--no-docker', '--no-terminal', '--workdir', workdir], { PHAROS_AGENT_KEY: apiKey });
    try {
      await page.getByRole('status').filter({ hasText: 'The agent is connected.' }).waitFor({ timeout: 30_000 });
      await page.getByRole('link', { name: 'Open the server' }).click();
      await page.getByRole('heading', { level: 1, name: 'term-installed' }).waitFor();
      // Its agent did not announce the terminal: the relay says so rather than waiting.
      const serverId2 = page.url().split('/servers/')[1]!.split('?')[0]!;
      const socket = await TestSocket.open(wsUrl().replace(serverId, serverId2));
      socket.send({ type: 'auth', token: admin });
      expect(await socket.nextMatching((m) => m.type === 'exit')).toEqual({ type: 'exit', reason: 'refused', message: `The agent of server ${serverId2} does not offer a terminal` });
    } finally {
      expect(await installed.stop()).toBe(0);
    }
    problems.expectNone();
  }, 60_000);

  it('ends the session, and the browser socket, when the agent goes', async () => {
    const other = await enrolAgentServer(pharos, admin, 'term-leaving');
    const leaving = AgentProcess.start(['--url', pharos.baseUrl, '--no-docker', '--terminal-shell', '/bin/sh', '--workdir', workdir], { PHAROS_AGENT_KEY: other.apiKey });
    try {
      await eventually(async () => expect((await pharos.request(`/api/v1/servers/${other.serverId}`, { token: admin })).body.status).toBe('online'), 30_000);
      const socket = await TestSocket.open(wsUrl().replace(serverId, other.serverId));
      socket.send({ type: 'auth', token: admin });
      const opened = await socket.nextMatching((m) => m.type === 'opened');
      expect(await leaving.stop()).toBe(0);
      // The agent's connection closed with its PTYs: the relay tells the browser and closes its socket.
      const exit = await socket.nextMatching((m) => m.type === 'exit');
      expect(exit).toEqual({ type: 'exit', reason: 'agent_gone', message: 'The agent disconnected' });
      expect((await socket.closed).code).toBe(1000);
      await eventually(async () => expect((await audit()).find((e) => e.action === 'terminal.close' && e.data.sessionId === opened.session_id)).toBeDefined());
    } finally {
      await leaving.stop();
    }
  }, 60_000);

  it('serves install.sh rendered with the public URL; sh parses it', async () => {
    const res = await fetch(`${pharos.baseUrl}/api/v1/agents/install.sh`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/x-shellscript');
    const script = await res.text();
    expect(script).toContain(`PHAROS_URL='${PUBLIC_URL}'`);
    expect(script).toContain(`curl -fsSL ${PUBLIC_URL}/api/v1/agents/install.sh | sudo sh -s -- --key pak_`);
    expect(script).not.toMatch(/pak_[A-Za-z0-9]{8,}/);
    const file = path.join(workdir, 'install.sh');
    writeFileSync(file, script);
    execFileSync('sh', ['-n', file]);
  });
});
