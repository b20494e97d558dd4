import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ROOT } from './built-server';

/** Debian's Chromium (`apt-get install chromium`), driven by playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';
const WEB = path.join(ROOT, 'apps', 'web');
/** The built dashboard, for `PHAROS_WEB_DIR`. */
export const WEB_DIST = path.join(WEB, 'dist');
export const SCREENSHOTS = path.join(ROOT, 'test-output', 'screenshots');

export const hasChromium = existsSync(CHROMIUM);

/** `describe` when Chromium is there, else a skipped `describe` (and a warning once). */
export function describeWithBrowser(name: string, body: () => void): void {
  if (!hasChromium) console.warn(`${name}: skipped, no Chromium at ${CHROMIUM}`);
  (hasChromium ? describe : describe.skip)(name, body);
}

/** The newest modification time under a directory (the dashboard's sources). */
function newest(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs)),
  );
}

/**
 * Builds the dashboard when dist/ is missing or older than its sources (or than the protocol
 * types it compiles against).
 */
export function ensureWebBuilt(): void {
  const index = path.join(WEB_DIST, 'index.html');
  const sources = Math.max(newest(path.join(WEB, 'src')), statSync(path.join(WEB, 'index.html')).mtimeMs, newest(path.join(ROOT, 'libs', 'protocol', 'src')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync('npm', ['--prefix', WEB, 'run', '-s', 'build'], { stdio: 'ignore' });
}

export function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A full-page screenshot in test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in through the login form and waits for the dashboard's navigation. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByRole('link', { name: 'Fleet' }).waitFor();
}

/** Switches the dashboard's theme with its own button (whatever the language), if it is not the one wanted. */
export async function useTheme(page: Page, theme: 'dark' | 'light'): Promise<void> {
  if ((await page.evaluate('document.documentElement.dataset.theme')) !== theme) {
    const english = page.getByRole('button', { name: `Switch to ${theme} mode` });
    await ((await english.count()) > 0 ? english : page.locator('[data-theme-switch]')).click();
  }
  expect(await page.evaluate('document.documentElement.dataset.theme')).toBe(theme);
}

/**
 * What went wrong in a page while a test drove it: uncaught errors and console errors (a
 * violated Content-Security-Policy shows as one). Tests end with `expectNone()`; an error a
 * test provokes on purpose (a 404 it asked for) is allowed by its text first.
 */
export class PageProblems {
  private readonly seen: string[] = [];
  private readonly allowed: RegExp[] = [];

  constructor(page: Page) {
    page.on('pageerror', (error) => this.note(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.note(`console error: ${message.text()} (${message.location().url})`);
    });
  }

  allow(pattern: RegExp): void {
    this.allowed.push(pattern);
  }

  expectNone(): void {
    expect(this.seen.splice(0)).toEqual([]);
    this.allowed.length = 0;
  }

  private note(text: string): void {
    if (!this.allowed.some((pattern) => pattern.test(text))) this.seen.push(text);
  }
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's critical and serious findings on the page as it is now, one line each (rule,
 * what it checks, where). Evaluated through the browser's debugging channel, so the page's
 * Content-Security-Policy (no inline scripts) stays on while it runs.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate<string[]>(`axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ')).join(' | ')))`);
}

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

/**
 * Screenshots of the page as it is, in both themes, at 1440×900 and 390×844:
 * `<name>-desktop-light.png` and so on. Leaves the page at 1440×900 in the dark theme.
 */
export async function screenshotEverywhere(page: Page, name: string, ready?: () => Promise<unknown>): Promise<void> {
  for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
    await page.setViewportSize(viewport);
    for (const theme of ['light', 'dark'] as const) {
      await useTheme(page, theme);
      await ready?.();
      await screenshot(page, `${name}-${size}-${theme}`);
    }
  }
}

/** A browser with the dashboard open and signed in as the test admin, its page's problems watched. */
export async function openSignedIn(baseUrl: string, password: string, viewport: { width: number; height: number }): Promise<{ browser: Browser; context: BrowserContext; page: Page; problems: PageProblems }> {
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = new PageProblems(page);
  await signIn(page, baseUrl, 'admin', password);
  return { browser, context, page, problems };
}
