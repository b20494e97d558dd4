import { applyPendingMigrations, openDatabase } from '../../libs/database/src';
import { randomBytes } from 'node:crypto';
import {
  adminUrl,
  TEST_DB_MODE_VAR,
  TEST_RUN_PREFIX_VAR,
  TEST_TEMPLATE_URL_VAR,
  withAdminClient,
  withDatabaseName,
} from './test-database';

/**
 * Before the e2e suite: find the Postgres of TEST_DATABASE_URL and build this run's migrated
 * template database there. CI must have Postgres; elsewhere the suite falls back to PGlite.
 */
export default async function globalSetup(): Promise<void> {
  const url = adminUrl();
  try {
    await withAdminClient((client) => client.query('SELECT 1'));
  } catch (error) {
    if (process.env.CI) {
      throw new Error(`CI needs PostgreSQL at ${url} for the e2e suite: ${(error as Error).message}`, { cause: error });
    }
    process.stdout.write(`\nNo PostgreSQL answers at ${url}: running the e2e suite on embedded PGlite instead.\n`);
    process.env[TEST_DB_MODE_VAR] = 'pglite';
    return;
  }
  const prefix = `pharos_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const template = `${prefix}_template`;
  await withAdminClient((client) => client.query(`CREATE DATABASE "${template}"`));
  const templateUrl = withDatabaseName(url, template);
  const db = await openDatabase({ kind: 'postgres', url: templateUrl, poolSize: 1 });
  try {
    await applyPendingMigrations(db);
  } finally {
    await db.close();
  }
  process.env[TEST_DB_MODE_VAR] = 'postgres';
  process.env[TEST_RUN_PREFIX_VAR] = prefix;
  process.env[TEST_TEMPLATE_URL_VAR] = templateUrl;
}
