import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI_JS, ensureBuilt, freePort, MAIN_JS, ServerProcess } from './support/built-server';
import { adminUrl, TEST_DB_MODE_VAR, withAdminClient, withDatabaseName } from './support/test-database';

async function login(baseUrl: string, username: string, password: string): Promise<number> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return res.status;
}

function printedPassword(stdout: string): string {
  const match = /password: (\S+)/.exec(stdout);
  if (!match) throw new Error(`no password printed:\n${stdout}`);
  return match[1]!;
}

/**
 * The start command's promise: a fresh install comes up, prints the first admin's password
 * once, serves logins, stops cleanly on SIGTERM and keeps its data across a restart.
 */
async function freshInstallLifecycle(extraEnv: Record<string, string>): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pharos-proc-'));
  try {
    const env = { PHAROS_DATA_DIR: dataDir, PORT: String(await freePort()), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...extraEnv };
    const first = ServerProcess.start(MAIN_JS, env);
    await first.ready();
    const password = printedPassword(first.stdout);
    expect(await login(first.baseUrl, 'admin', password)).toBe(200);
    expect(await first.stop()).toBe(0);

    // The CLI works on the same database while the server is down.
    const cli = ServerProcess.start(CLI_JS, env, ['user:create', 'operator', '--password', 'operator-password']);
    expect(await cli.exited).toBe(0);
    expect(cli.stdout).toContain('Created admin "operator"');

    const second = ServerProcess.start(MAIN_JS, env);
    await second.ready();
    expect(second.stdout).not.toMatch(/password: /);
    expect(await login(second.baseUrl, 'admin', password)).toBe(200);
    expect(await login(second.baseUrl, 'operator', 'operator-password')).toBe(200);
    expect(await second.stop()).toBe(0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('the built server process', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('starts on embedded PGlite with no setup, and keeps data across restarts', async () => {
    await freshInstallLifecycle({});
  }, 120_000);

  const onPostgres = process.env[TEST_DB_MODE_VAR] === 'postgres' ? it : it.skip;
  onPostgres('starts on PostgreSQL from DATABASE_URL, migrating an empty database', async () => {
    const name = `${process.env.PHAROS_TEST_RUN_PREFIX}_proc`;
    await withAdminClient((c) => c.query(`CREATE DATABASE "${name}"`));
    try {
      await freshInstallLifecycle({ DATABASE_URL: withDatabaseName(adminUrl(), name) });
    } finally {
      await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    }
  }, 120_000);

  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer from 0 to 65535, got "abc"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL must be a postgres: or postgresql: URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET must be at least 32 characters long'],
  ])('stops with one clear line on a bad setting %p', async (env, message) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pharos-proc-'));
    try {
      const proc = ServerProcess.start(MAIN_JS, { PHAROS_DATA_DIR: dataDir, ...env });
      expect(await proc.exited).toBe(1);
      const lines = proc.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`pharos: configuration error: ${message}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
