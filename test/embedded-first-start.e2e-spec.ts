import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, freePort, MAIN_JS, ServerProcess } from './support/built-server';

const PASSWORD = 'first-start-admin-password';

/**
 * The embedded database's first start is atomic (issue 17): it is built beside the data
 * directory and renamed into place when complete, so a process killed at any moment of it
 * leaves nothing a later start cannot use; a half-made directory an older version left is
 * moved aside (not deleted) and built again; a used one is kept.
 */
describe('the embedded first start', () => {
  let parent: string;

  beforeAll(() => ensureBuilt(), 180_000);
  beforeEach(() => {
    parent = mkdtempSync(path.join(os.tmpdir(), 'pharos-first-start-'));
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  const pgliteDir = (dataDir: string) => path.join(dataDir, 'pglite');
  async function start(dataDir: string): Promise<ServerProcess> {
    return ServerProcess.start(MAIN_JS, {
      PHAROS_DATA_DIR: dataDir,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      PHAROS_ADMIN_PASSWORD: PASSWORD,
      PHAROS_WEB_DIR: 'none',
    });
  }
  async function login(proc: ServerProcess, username = 'admin', password = PASSWORD): Promise<number> {
    const res = await fetch(`${proc.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return res.status;
  }
  /** What is left of the embedded database: nothing, or a complete one; never a half-made one. */
  function leftOver(dataDir: string): 'none' | 'complete' | 'half-made' {
    const dir = pgliteDir(dataDir);
    if (!existsSync(dir) || readdirSync(dir).length === 0) return 'none';
    return existsSync(path.join(dir, 'pharos-complete')) ? 'complete' : 'half-made';
  }

  it('starts every time after kill -9 at different moments of a first start', async () => {
    const dataDir = path.join(parent, 'data');
    const seen = new Set<string>();
    for (const delayMs of [150, 400, 700, 1000, 1300, 1700, 2200, 2800]) {
      const proc = await start(dataDir);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      proc.child.kill('SIGKILL');
      await proc.exited;
      const state = leftOver(dataDir);
      seen.add(state);
      expect([delayMs, state]).not.toEqual([delayMs, 'half-made']);
      // Start again after the kill: it must come up, whatever the moment was.
      if (state === 'complete') {
        rmSync(dataDir, { recursive: true, force: true });
        continue;
      }
    }
    const last = await start(dataDir);
    await last.ready();
    expect(await login(last)).toBe(200);
    expect(await last.stop()).toBe(0);
    // No build left behind beside the data directory.
    expect(readdirSync(dataDir).filter((name) => name.includes('.creating-'))).toEqual([]);
  }, 240_000);

  it('starts again after each kill -9 during a first start, on the same directory', async () => {
    const dataDir = path.join(parent, 'data');
    for (const delayMs of [300, 800, 1400, 2000]) {
      const proc = await start(dataDir);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      proc.child.kill('SIGKILL');
      await proc.exited;
      expect(leftOver(dataDir)).not.toBe('half-made');
    }
    const proc = await start(dataDir);
    await proc.ready();
    expect(await login(proc)).toBe(200);
    expect(await proc.stop()).toBe(0);
  }, 240_000);

  it('finishes a first start interrupted by SIGINT (Ctrl-C), then stops cleanly', async () => {
    const dataDir = path.join(parent, 'data');
    const proc = await start(dataDir);
    // Once its handlers are in place (before the database opens); before, nothing was written.
    while (!proc.stdout.includes('Starting Pharos')) await new Promise((resolve) => setTimeout(resolve, 20));
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
    expect(leftOver(dataDir)).not.toBe('half-made');
    const again = await start(dataDir);
    await again.ready();
    expect(await login(again)).toBe(200);
    expect(await again.stop()).toBe(0);
  }, 120_000);

  it('moves a half-made directory an older version left aside, with a clear line, and builds it again', async () => {
    const dataDir = path.join(parent, 'data');
    // What an older version's interrupted template load left: PG_VERSION first, little else.
    mkdirSync(path.join(pgliteDir(dataDir), 'base', '1'), { recursive: true });
    writeFileSync(path.join(pgliteDir(dataDir), 'PG_VERSION'), '17\n');
    writeFileSync(path.join(pgliteDir(dataDir), 'base', '1', '1259'), Buffer.alloc(100));
    const proc = await start(dataDir);
    await proc.ready();
    expect(await login(proc)).toBe(200);
    expect(await proc.stop()).toBe(0);
    const aside = readdirSync(dataDir).filter((name) => name.startsWith('pglite.broken-'));
    expect(aside).toHaveLength(1);
    // Kept as it was: nothing is deleted behind the operator's back.
    expect(readFileSync(path.join(dataDir, aside[0]!, 'PG_VERSION'), 'utf8')).toBe('17\n');
    expect(proc.stdout).toContain(`was left half-made by an interrupted first start (it does not open, or holds no account): moved aside to ${path.join(dataDir, aside[0]!)}`);
  }, 120_000);

  it('keeps a used directory an older version built (no marker), data and all', async () => {
    const dataDir = path.join(parent, 'data');
    const first = await start(dataDir);
    await first.ready();
    expect(await first.stop()).toBe(0);
    unlinkSync(path.join(pgliteDir(dataDir), 'pharos-complete'));

    const again = await start(dataDir);
    await again.ready();
    expect(await login(again)).toBe(200);
    expect(await again.stop()).toBe(0);
    expect(readdirSync(dataDir).filter((name) => name.startsWith('pglite.broken-'))).toEqual([]);
    expect(existsSync(path.join(pgliteDir(dataDir), 'pharos-complete'))).toBe(true);
  }, 120_000);
});
