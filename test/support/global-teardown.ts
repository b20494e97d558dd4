import { TEST_DB_MODE_VAR, TEST_RUN_PREFIX_VAR, withAdminClient } from './test-database';

/** Drops every database this run created (test files drop their own; this catches crashes). */
export default async function globalTeardown(): Promise<void> {
  if (process.env[TEST_DB_MODE_VAR] !== 'postgres') return;
  const prefix = process.env[TEST_RUN_PREFIX_VAR]!;
  await withAdminClient(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 || '%'`,
      [prefix],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
