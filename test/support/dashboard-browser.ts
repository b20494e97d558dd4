import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
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

/** Switches the dashboard's theme with its own button, if it is not the one wanted. */
export async function useTheme(page: Page, theme: 'dark' | 'light'): Promise<void> {
  if ((await page.evaluate('document.documentElement.dataset.theme')) !== theme) {
    await page.getByRole('button', { name: `Switch to ${theme} mode` }).click();
  }
  expect(await page.evaluate('document.documentElement.dataset.theme')).toBe(theme);
}
