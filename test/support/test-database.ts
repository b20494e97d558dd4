import { type DatabaseTarget } from '@pharos/database';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/** Set by the global setup: where this run's e2e databases come from. */
export const TEST_DB_MODE_VAR = 'PHAROS_TEST_DB_MODE';
export const TEST_TEMPLATE_URL_VAR = 'PHAROS_TEST_TEMPLATE_URL';
export const TEST_RUN_PREFIX_VAR = 'PHAROS_TEST_RUN_PREFIX';

export const DEFAULT_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_ADMIN_URL;
}

export function withDatabaseName(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export interface TestDatabase {
  target: DatabaseTarget;
  /** True when the schema is already migrated (Postgres, cloned from the template). */
  migrated: boolean;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file: on Postgres, a clone of the run's migrated
 * template (fast, isolated); on PGlite, a fresh directory that Pharos migrates at start-up.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (process.env[TEST_DB_MODE_VAR] === 'postgres') {
    const template = new URL(process.env[TEST_TEMPLATE_URL_VAR]!).pathname.slice(1);
    const name = `${process.env[TEST_RUN_PREFIX_VAR]}_${randomBytes(4).toString('hex')}`;
    await cloneDatabase(template, name);
    return {
      target: { kind: 'postgres', url: withDatabaseName(adminUrl(), name), poolSize: 5 },
      migrated: true,
      drop: () => withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
    };
  }
  return createPgliteTestDatabase();
}

/** Postgres refuses to clone a template while another clone of it is starting: retry. */
async function cloneDatabase(template: string, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await withAdminClient((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      return;
    } catch (error) {
      if (attempt >= 50 || !/being accessed by other users/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
}

export function createPgliteTestDatabase(): TestDatabase {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pharos-pglite-'));
  return {
    target: { kind: 'pglite', dataDir: dir },
    migrated: false,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function withAdminClient<T>(work: (client: Client) => Promise<T>, url = adminUrl()): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
