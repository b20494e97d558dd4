import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, readEnvironment } from './load-config';

describe('loadConfig', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(path.join(os.tmpdir(), 'pharos-config-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('defaults to port 8080 and embedded PGlite under the data directory', () => {
    const config = loadConfig({ PHAROS_DATA_DIR: dataDir });
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.migrateOnStart).toBe(true);
    expect(config.logLevel).toBe('info');
    expect(config).toMatchObject({
      metricsRawRetentionDays: 30,
      metricsMinuteRetentionDays: 90,
      metricsHourRetentionDays: 730,
      nodeOfflineMissedReports: 5,
      nodeReleaseMaxBytes: 256 * 1024 * 1024,
    });
  });

  it('is a single process unless REDIS_URL is set; cluster settings are checked', () => {
    expect(loadConfig({ PHAROS_DATA_DIR: dataDir }).cluster).toMatchObject({ redisUrl: null, keyPrefix: 'pharos:', heartbeatSeconds: 5, leaseSeconds: 15 });
    const secrets = { JWT_SECRET: 'j'.repeat(32), PHAROS_SECRET_KEY: 'k'.repeat(32) };
    const clustered = loadConfig({ PHAROS_DATA_DIR: dataDir, REDIS_URL: 'redis://cache:6379/2', PHAROS_INSTANCE_ID: 'pharos-a', REDIS_KEY_PREFIX: 'x:', ...secrets });
    expect(clustered.cluster).toMatchObject({ redisUrl: 'redis://cache:6379/2', instanceId: 'pharos-a', keyPrefix: 'x:' });
    expect(() => loadConfig({ PHAROS_DATA_DIR: dataDir, REDIS_URL: 'http://cache', ...secrets })).toThrow(/^REDIS_URL must be a redis: or rediss: URL/);
    // Secrets generated per instance would not match: a cluster must be given them.
    expect(() => loadConfig({ PHAROS_DATA_DIR: dataDir, REDIS_URL: 'redis://cache' })).toThrow(/^JWT_SECRET is required with REDIS_URL/);
    expect(() => loadConfig({ PHAROS_DATA_DIR: dataDir, REDIS_URL: 'redis://cache', JWT_SECRET: 'j'.repeat(32) })).toThrow(/^PHAROS_SECRET_KEY is required/);
    expect(() => loadConfig({ PHAROS_DATA_DIR: dataDir, PHAROS_INSTANCE_ID: 'a b' })).toThrow(/^PHAROS_INSTANCE_ID /);
    expect(() => loadConfig({ PHAROS_DATA_DIR: dataDir, CLUSTER_HEARTBEAT_SECONDS: '5', CLUSTER_LEASE_SECONDS: '6' })).toThrow(/^CLUSTER_LEASE_SECONDS /);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({ PHAROS_DATA_DIR: dataDir, DATABASE_URL: 'postgresql://u:p@db:5432/pharos', DATABASE_POOL_SIZE: '20' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgresql://u:p@db:5432/pharos', poolSize: 20 });
  });

  it('bounds every wait on PostgreSQL by default, and keeps the read timeout past the statement timeout', () => {
    const config = loadConfig({ PHAROS_DATA_DIR: dataDir });
    expect(config.databaseTimeouts).toEqual({ connectMs: 5000, poolMs: 10_000, statementMs: 30_000, queryMs: 35_000, idleInTransactionMs: 60_000 });
    expect(config).toMatchObject({ readyTimeoutMs: 1500, databaseOutageLogSeconds: 30 });
    expect(loadConfig({ PHAROS_DATA_DIR: dataDir, DATABASE_STATEMENT_TIMEOUT_MS: '2000' }).databaseTimeouts.queryMs).toBe(7000);
    expect(() => loadConfig({ PHAROS_DATA_DIR: dataDir, DATABASE_STATEMENT_TIMEOUT_MS: '2000', DATABASE_QUERY_TIMEOUT_MS: '2000' })).toThrow(
      'DATABASE_QUERY_TIMEOUT_MS must be longer than DATABASE_STATEMENT_TIMEOUT_MS (2000), so that PostgreSQL cancels a slow statement first',
    );
    expect(() => loadConfig({ PHAROS_DATA_DIR: dataDir, DATABASE_CONNECT_TIMEOUT_MS: '0' })).toThrow(ConfigError);
  });

  it('generates a JWT secret once, keeps it in the data directory (0600), and reuses it', () => {
    const first = loadConfig({ PHAROS_DATA_DIR: dataDir });
    const file = path.join(dataDir, 'jwt-secret');
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.jwtSecret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({ PHAROS_DATA_DIR: dataDir }).jwtSecret).toBe(first.jwtSecret);
    expect(loadConfig({ PHAROS_DATA_DIR: dataDir, JWT_SECRET: 'g'.repeat(40) }).jwtSecret).toBe('g'.repeat(40));
  });

  it('generates the secret key for sealed secrets once, apart from the JWT secret', () => {
    const first = loadConfig({ PHAROS_DATA_DIR: dataDir });
    expect(first.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(first.secretKey).not.toBe(first.jwtSecret);
    expect(statSync(path.join(dataDir, 'secret-key')).mode & 0o777).toBe(0o600);
    expect(loadConfig({ PHAROS_DATA_DIR: dataDir }).secretKey).toBe(first.secretKey);
    expect(loadConfig({ PHAROS_DATA_DIR: dataDir, PHAROS_SECRET_KEY: 's'.repeat(32) }).secretKey).toBe('s'.repeat(32));
  });

  it('has Lightd defaults: offline after 90 s of silence, console reconnects from 1 s to 30 s with day-long tokens, usage every 10 s', () => {
    expect(loadConfig({ PHAROS_DATA_DIR: dataDir }).lightd).toEqual({
      offlineAfterSeconds: 90,
      offlineSweepSeconds: 15,
      consoleReconnectMinMs: 1000,
      consoleReconnectMaxMs: 30_000,
      consoleConnectTimeoutMs: 10_000,
      consolePingSeconds: 30,
      consoleTokenTtlSeconds: 86_400,
      statusSettleSeconds: 5,
      usageSampleSeconds: 10,
      usageRecentSeconds: 30,
    });
  });

  it('turns single sign-on on with OIDC_ISSUER, and checks its settings', () => {
    expect(loadConfig({ PHAROS_DATA_DIR: dataDir }).oidc).toBeNull();
    const sso = { PHAROS_DATA_DIR: dataDir, OIDC_ISSUER: 'https://sso.example.com/application/o/pharos/', OIDC_CLIENT_ID: 'pharos', OIDC_CLIENT_SECRET: 's', OIDC_ADMIN_VALUES: 'admins, ops-leads' };
    expect(loadConfig(sso).oidc).toEqual({
      issuer: 'https://sso.example.com/application/o/pharos/',
      clientId: 'pharos',
      clientSecret: 's',
      scopes: ['openid', 'profile', 'email'],
      displayName: 'SSO',
      roleClaim: 'groups',
      adminValues: ['admins', 'ops-leads'],
      viewerValues: [],
      autoProvision: true,
      signInTimeoutSeconds: 600,
    });
    expect(loadConfig({ ...sso, OIDC_SCOPES: ' openid   groups ' }).oidc?.scopes).toEqual(['openid', 'groups']);
    expect(loadConfig({ ...sso, OIDC_ISSUER: 'http://127.0.0.1:9000' }).oidc?.issuer).toBe('http://127.0.0.1:9000');
    expect(() => loadConfig({ ...sso, OIDC_ISSUER: 'http://sso.example.com' })).toThrow(/^OIDC_ISSUER must be an https URL/);
    expect(() => loadConfig({ ...sso, OIDC_CLIENT_ID: '' })).toThrow(/^OIDC_CLIENT_ID is required/);
    expect(() => loadConfig({ ...sso, OIDC_CLIENT_SECRET: undefined })).toThrow(/^OIDC_CLIENT_SECRET is required/);
    expect(() => loadConfig({ ...sso, OIDC_SCOPES: 'profile email' })).toThrow(/^OIDC_SCOPES must include openid/);
    expect(() => loadConfig({ ...sso, OIDC_ADMIN_VALUES: ' , ' })).toThrow(/^OIDC_ADMIN_VALUES or OIDC_VIEWER_VALUES is required/);
    expect(() => loadConfig({ ...sso, OIDC_AUTO_PROVISION: 'maybe' })).toThrow(/^OIDC_AUTO_PROVISION /);
  });

  it('strips a trailing slash from the public URL', () => {
    expect(loadConfig({ PHAROS_DATA_DIR: dataDir, PHAROS_PUBLIC_URL: 'https://pharos.example/' }).publicUrl).toBe(
      'https://pharos.example',
    );
  });

  it.each([
    ['PORT', '70000', 'PORT must be an integer from 0 to 65535, got "70000"'],
    ['PORT', '80.5', 'PORT must be an integer from 0 to 65535, got "80.5"'],
    ['LOG_LEVEL', 'chatty', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "chatty"'],
    ['DATABASE_URL', 'not a url', 'DATABASE_URL must be a URL, got "not a url"'],
    ['PHAROS_PUBLIC_URL', 'ftp://x', 'PHAROS_PUBLIC_URL must be a http: or https: URL, got "ftp://x"'],
    ['PHAROS_MIGRATE_ON_START', 'maybe', 'PHAROS_MIGRATE_ON_START must be true or false, got "maybe"'],
    ['JWT_SECRET', 'short', 'JWT_SECRET must be at least 32 characters long'],
    ['PHAROS_ADMIN_PASSWORD', 'short', 'PHAROS_ADMIN_PASSWORD must be at least 8 characters long'],
    ['PHAROS_SECRET_KEY', 'short', 'PHAROS_SECRET_KEY must be at least 32 characters long'],
    ['LIGHTD_OFFLINE_AFTER_SECONDS', '0', 'LIGHTD_OFFLINE_AFTER_SECONDS must be an integer from 1 to 86400, got "0"'],
    ['LIGHTD_CONSOLE_RECONNECT_MAX_MS', '500', 'LIGHTD_CONSOLE_RECONNECT_MAX_MS must not be below LIGHTD_CONSOLE_RECONNECT_MIN_MS (1000)'],
    ['COMMAND_EXPIRY_SECONDS', '-5', 'COMMAND_EXPIRY_SECONDS must be a number of seconds from 1 to 2592000, got "-5"'],
    ['AGENT_WS_MESSAGES_PER_SECOND', 'lots', 'AGENT_WS_MESSAGES_PER_SECOND must be an integer from 1 to 100000, got "lots"'],
    ['AGENT_HEARTBEAT_TIMEOUT_SECONDS', '20', 'AGENT_HEARTBEAT_TIMEOUT_SECONDS must be longer than AGENT_HEARTBEAT_INTERVAL_SECONDS (30)'],
    ['METRICS_RAW_RETENTION_DAYS', '0', 'METRICS_RAW_RETENTION_DAYS must be an integer from 1 to 3650, got "0"'],
    ['NODE_OFFLINE_MISSED_REPORTS', 'x', 'NODE_OFFLINE_MISSED_REPORTS must be an integer from 1 to 1000, got "x"'],
    ['NODE_RELEASE_MAX_BYTES', '4294967296', 'NODE_RELEASE_MAX_BYTES must be an integer from 1024 to 2147483647, got "4294967296"'],
    ['PROMETHEUS_ENABLED', 'sure', 'PROMETHEUS_ENABLED must be true or false, got "sure"'],
    ['PROMETHEUS_TOKEN', 'short', 'PROMETHEUS_TOKEN must be at least 16 characters long'],
    ['PROMETHEUS_TOKEN', 'a-long-enough-token-but-no-switch', 'PROMETHEUS_TOKEN is set but PROMETHEUS_ENABLED is not true: /metrics stays off'],
  ])('names the variable when %s=%s is wrong', (name, value, message) => {
    expect(() => loadConfig({ PHAROS_DATA_DIR: dataDir, [name]: value })).toThrow(new ConfigError(name, message.slice(name.length + 1)));
  });

  it('takes fractional seconds for agent heartbeats and command timings', () => {
    const config = loadConfig({ PHAROS_DATA_DIR: dataDir, AGENT_HEARTBEAT_INTERVAL_SECONDS: '0.2', AGENT_HEARTBEAT_TIMEOUT_SECONDS: '0.5' });
    expect(config).toMatchObject({ agentHeartbeatIntervalSeconds: 0.2, agentHeartbeatTimeoutSeconds: 0.5, commandExpirySeconds: 3600, liveLogHistory: 100 });
  });

  it('never echoes a database password in an error', () => {
    expect(() => loadConfig({ PHAROS_DATA_DIR: dataDir, DATABASE_URL: 'mysql://user:hunter2@db/x' })).toThrow(/user:\*\*\*@db/);
  });

  it('reads .env for variables the environment does not set', () => {
    writeFileSync(path.join(dataDir, '.env'), 'PORT=9090\nLOG_LEVEL=debug\n');
    const env = readEnvironment(dataDir, { LOG_LEVEL: 'warn' });
    expect(env.PORT).toBe('9090');
    expect(env.LOG_LEVEL).toBe('warn');
  });
});
