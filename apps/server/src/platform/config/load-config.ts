import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { type EdgeSettings, LOG_LEVELS, type LogLevel, type OidcSettings, PharosConfig, type PrometheusSettings } from './pharos-config';

/** A configuration value that is missing or wrong; its message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, reason: string) {
    super(`${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** The process environment, under the values of `.env` (when present) for unset variables. */
export function readEnvironment(cwd = process.cwd(), env: Env = process.env): Env {
  const file = path.join(cwd, '.env');
  if (!existsSync(file)) return { ...env };
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}

class EnvReader {
  constructor(private readonly env: Env) {}

  string(name: string, fallback?: string): string {
    const value = this.optional(name) ?? fallback;
    if (value === undefined) throw new ConfigError(name, 'is required');
    return value;
  }

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  }

  /** A duration in seconds, fractions allowed (tests use sub-second heartbeats). */
  seconds(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || value < min || value > max) {
      throw new ConfigError(name, `must be a number of seconds from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    throw new ConfigError(name, `must be true or false, got "${raw}"`);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!allowed.includes(raw as T)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
    return raw as T;
  }

  url(name: string, protocols: string[], fallback?: string): string {
    const raw = this.optional(name) ?? fallback;
    if (raw === undefined) throw new ConfigError(name, 'is required');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError(name, `must be a URL, got "${redactUrl(raw)}"`);
    }
    if (!protocols.includes(url.protocol)) {
      throw new ConfigError(name, `must be a ${protocols.join(' or ')} URL, got "${redactUrl(raw)}"`);
    }
    if (!url.hostname) throw new ConfigError(name, 'must name a host');
    return raw;
  }
}

/** Never echo a password from a connection string into a log or an error. */
function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/**
 * Builds the validated configuration from environment variables. Throws `ConfigError` naming
 * the first bad variable. When JWT_SECRET or PHAROS_SECRET_KEY is not given, a random one is
 * generated on first start and kept in the data directory, so tokens and sealed secrets
 * survive restarts.
 */
export function loadConfig(env: Env): PharosConfig {
  const read = new EnvReader(env);
  const port = read.integer('PORT', 8080, 0, 65535);
  const host = read.string('HOST', '0.0.0.0');
  const dataDir = path.resolve(read.string('PHAROS_DATA_DIR', './data'));
  const databaseUrl = read.optional('DATABASE_URL');
  const database = databaseUrl
    ? {
        kind: 'postgres' as const,
        url: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
        poolSize: read.integer('DATABASE_POOL_SIZE', 10, 1, 500),
      }
    : { kind: 'pglite' as const, dataDir: path.join(dataDir, 'pglite') };
  const publicHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  const publicUrl = read
    .url('PHAROS_PUBLIC_URL', ['http:', 'https:'], `http://${publicHost.includes(':') ? `[${publicHost}]` : publicHost}:${port}`)
    .replace(/\/+$/, '');
  const jwtSecretGiven = read.optional('JWT_SECRET');
  if (jwtSecretGiven !== undefined && jwtSecretGiven.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters long');
  }
  const logLevel: LogLevel = read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
  const secretKeyGiven = read.optional('PHAROS_SECRET_KEY');
  if (secretKeyGiven !== undefined && secretKeyGiven.length < 32) {
    throw new ConfigError('PHAROS_SECRET_KEY', 'must be at least 32 characters long');
  }
  const consoleReconnectMinMs = read.integer('LIGHTD_CONSOLE_RECONNECT_MIN_MS', 1000, 10, 60_000);
  const consoleReconnectMaxMs = read.integer('LIGHTD_CONSOLE_RECONNECT_MAX_MS', 30_000, 10, 3_600_000);
  if (consoleReconnectMaxMs < consoleReconnectMinMs) {
    throw new ConfigError('LIGHTD_CONSOLE_RECONNECT_MAX_MS', `must not be below LIGHTD_CONSOLE_RECONNECT_MIN_MS (${consoleReconnectMinMs})`);
  }
  const adminPassword = read.optional('PHAROS_ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('PHAROS_ADMIN_PASSWORD', 'must be at least 8 characters long');
  }

  const webDir = read.optional('PHAROS_WEB_DIR');
  if (read.optional('REDIS_URL') !== undefined) {
    // Each instance would generate its own: tokens signed on one would fail on the others.
    if (jwtSecretGiven === undefined) throw new ConfigError('JWT_SECRET', 'is required with REDIS_URL: every instance of a cluster needs the same one');
    if (secretKeyGiven === undefined) throw new ConfigError('PHAROS_SECRET_KEY', 'is required with REDIS_URL: every instance of a cluster needs the same one');
  }

  return new PharosConfig({
    port,
    host,
    dataDir,
    database,
    databaseTimeouts: readDatabaseTimeouts(read),
    readyTimeoutMs: read.integer('READY_TIMEOUT_MS', 1500, 100, 60_000),
    databaseOutageLogSeconds: read.seconds('DATABASE_OUTAGE_LOG_SECONDS', 30, 0.1, 86_400),
    migrateOnStart: read.boolean('PHAROS_MIGRATE_ON_START', true),
    publicUrl,
    jwtSecret: jwtSecretGiven ?? persistedSecret(dataDir, 'jwt-secret', 'JWT_SECRET'),
    accessTokenTtlSeconds: read.integer('ACCESS_TOKEN_TTL_SECONDS', 900, 10, 86_400),
    refreshTokenTtlSeconds: read.integer('REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, 60, 365 * 86_400),
    logLevel,
    adminPassword,
    loginMaxFailures: read.integer('LOGIN_MAX_FAILURES', 10, 1, 10_000),
    loginFailureWindowSeconds: read.integer('LOGIN_FAILURE_WINDOW_SECONDS', 900, 1, 86_400),
    requireTwoFactorForAdmins: read.boolean('AUTH_REQUIRE_TWO_FACTOR_FOR_ADMINS', false),
    credentialMaxFailures: read.integer('CREDENTIAL_MAX_FAILURES', 50, 1, 1_000_000),
    credentialFailureWindowSeconds: read.integer('CREDENTIAL_FAILURE_WINDOW_SECONDS', 900, 1, 86_400),
    trustProxy: read.boolean('TRUST_PROXY', false),
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    webRoot: webDir === undefined ? undefined : webDir === 'none' ? null : path.resolve(webDir),
    presenceFlushSeconds: read.integer('PRESENCE_FLUSH_SECONDS', 5, 1, 3600),
    wsAuthTimeoutSeconds: read.integer('WS_AUTH_TIMEOUT_SECONDS', 10, 1, 300),
    secretKey: secretKeyGiven ?? persistedSecret(dataDir, 'secret-key', 'PHAROS_SECRET_KEY'),
    lightd: {
      offlineAfterSeconds: read.integer('LIGHTD_OFFLINE_AFTER_SECONDS', 90, 1, 86_400),
      offlineSweepSeconds: read.integer('LIGHTD_OFFLINE_SWEEP_SECONDS', 15, 1, 3600),
      consoleReconnectMinMs,
      consoleReconnectMaxMs,
      consoleConnectTimeoutMs: read.integer('LIGHTD_CONSOLE_CONNECT_TIMEOUT_MS', 10_000, 100, 120_000),
      consolePingSeconds: read.integer('LIGHTD_CONSOLE_PING_SECONDS', 30, 1, 3600),
      consoleTokenTtlSeconds: read.integer('LIGHTD_CONSOLE_TOKEN_TTL_SECONDS', 86_400, 10, 30 * 86_400),
      statusSettleSeconds: read.integer('LIGHTD_STATUS_SETTLE_SECONDS', 5, 0, 3600),
      usageSampleSeconds: read.seconds('LIGHTD_USAGE_SAMPLE_SECONDS', 10, 0.1, 3600),
      usageRecentSeconds: read.seconds('LIGHTD_USAGE_RECENT_SECONDS', 30, 1, 86_400),
    },
    ...readAgentSettings(read),
    edge: readEdgeSettings(read),
    metricsRawRetentionDays: read.integer('METRICS_RAW_RETENTION_DAYS', 30, 1, 3650),
    metricsRollupFlushSeconds: read.integer('METRICS_ROLLUP_FLUSH_SECONDS', 10, 1, 3600),
    metricsMinuteRetentionDays: read.integer('METRICS_MINUTE_RETENTION_DAYS', 90, 1, 3650),
    metricsHourRetentionDays: read.integer('METRICS_HOUR_RETENTION_DAYS', 730, 1, 36500),
    retention: {
      intervalSeconds: read.seconds('RETENTION_INTERVAL_SECONDS', 3600, 0, 7 * 86_400),
      batchRows: read.integer('RETENTION_BATCH_ROWS', 5000, 1, 1_000_000),
      batchPauseMs: read.integer('RETENTION_BATCH_PAUSE_MS', 50, 0, 60_000),
      eventLogDays: read.integer('EVENT_LOG_RETENTION_DAYS', 90, 1, 36500),
      auditDays: read.integer('AUDIT_LOG_RETENTION_DAYS', 365, 1, 36500),
      commandDays: read.integer('COMMAND_RETENTION_DAYS', 90, 1, 36500),
      alertIncidentDays: read.integer('ALERT_INCIDENT_RETENTION_DAYS', 180, 1, 36500),
      alertNotificationDays: read.integer('ALERT_NOTIFICATION_RETENTION_DAYS', 30, 1, 36500),
      lightdUpdateDays: read.integer('LIGHTD_UPDATE_RETENTION_DAYS', 30, 1, 36500),
      refreshTokenDays: read.integer('REFRESH_TOKEN_RETENTION_DAYS', 7, 1, 36500),
      apiTokenDays: read.integer('API_TOKEN_RETENTION_DAYS', 30, 1, 36500),
      upgradeTokenDays: read.integer('UPGRADE_TOKEN_RETENTION_DAYS', 7, 1, 36500),
    },
    notifications: {
      pollMs: read.integer('NOTIFY_POLL_MS', 1000, 10, 600_000),
      leaseSeconds: read.seconds('NOTIFY_LEASE_SECONDS', 60, 0.5, 3600),
      groupMs: read.integer('NOTIFY_GROUP_MS', 2000, 0, 600_000),
      retryBaseMs: read.integer('NOTIFY_RETRY_BASE_MS', 5000, 10, 3_600_000),
      retryMaxMs: read.integer('NOTIFY_RETRY_MAX_MS', 15 * 60_000, 10, 86_400_000),
      giveUpSeconds: read.seconds('NOTIFY_GIVE_UP_SECONDS', 24 * 3600, 1, 30 * 86_400),
      requestTimeoutMs: read.integer('NOTIFY_REQUEST_TIMEOUT_MS', 15_000, 100, 300_000),
      slackUrl: read.url('NOTIFY_SLACK_URL', ['http:', 'https:'], 'https://hooks.slack.com').replace(/\/+$/, ''),
      discordUrl: read.url('NOTIFY_DISCORD_URL', ['http:', 'https:'], 'https://discord.com').replace(/\/+$/, ''),
      telegramUrl: read.url('NOTIFY_TELEGRAM_URL', ['http:', 'https:'], 'https://api.telegram.org').replace(/\/+$/, ''),
    },
    alertRepeatSweepSeconds: read.seconds('ALERT_REPEAT_SWEEP_SECONDS', 30, 0.1, 3600),
    nodeOfflineMissedReports: read.integer('NODE_OFFLINE_MISSED_REPORTS', 5, 1, 1000),
    // Stored sizes are 32-bit integers.
    nodeReleaseMaxBytes: read.integer('NODE_RELEASE_MAX_BYTES', 256 * 1024 * 1024, 1024, 2 ** 31 - 1),
    cluster: readClusterSettings(read),
    prometheus: readPrometheusSettings(read),
    oidc: readOidcSettings(read),
  });
}

/** `GET /metrics` (docs/operations.md, "Prometheus"). */
function readPrometheusSettings(read: EnvReader): PrometheusSettings {
  const token = read.optional('PROMETHEUS_TOKEN');
  if (token !== undefined && token.length < 16) throw new ConfigError('PROMETHEUS_TOKEN', 'must be at least 16 characters long');
  const enabled = read.boolean('PROMETHEUS_ENABLED', false);
  if (token !== undefined && !enabled) throw new ConfigError('PROMETHEUS_TOKEN', 'is set but PROMETHEUS_ENABLED is not true: /metrics stays off');
  return { enabled, token };
}

/** Single sign-on, on when OIDC_ISSUER is set (docs/configuration.md, "Single sign-on"). */
function readOidcSettings(read: EnvReader): OidcSettings | null {
  if (read.optional('OIDC_ISSUER') === undefined) return null;
  // Exactly as the provider names itself (some end it with a slash): discovery checks it.
  const issuer = read.url('OIDC_ISSUER', ['https:', 'http:']);
  // Plain HTTP lets anyone on the path forge the provider's answers: only on this machine.
  if (new URL(issuer).protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(new URL(issuer).hostname)) {
    throw new ConfigError('OIDC_ISSUER', 'must be an https URL (http only for a provider on localhost)');
  }
  const scopes = list(read.string('OIDC_SCOPES', 'openid profile email'), /\s+/);
  if (!scopes.includes('openid')) throw new ConfigError('OIDC_SCOPES', 'must include openid');
  const adminValues = list(read.string('OIDC_ADMIN_VALUES', ''), ',');
  const viewerValues = list(read.string('OIDC_VIEWER_VALUES', ''), ',');
  if (adminValues.length + viewerValues.length === 0) {
    throw new ConfigError('OIDC_ADMIN_VALUES', 'or OIDC_VIEWER_VALUES is required: no one could sign in with SSO otherwise');
  }
  return {
    issuer,
    clientId: read.string('OIDC_CLIENT_ID'),
    clientSecret: read.string('OIDC_CLIENT_SECRET'),
    scopes,
    displayName: read.string('OIDC_DISPLAY_NAME', 'SSO').slice(0, 64),
    roleClaim: read.string('OIDC_ROLE_CLAIM', 'groups'),
    adminValues,
    viewerValues,
    autoProvision: read.boolean('OIDC_AUTO_PROVISION', true),
    signInTimeoutSeconds: read.integer('OIDC_SIGN_IN_TIMEOUT_SECONDS', 600, 30, 3600),
  };
}

/** The non-empty items of a separated list. */
function list(raw: string, separator: string | RegExp): string[] {
  return raw
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** How long Pharos waits on PostgreSQL (docs/configuration.md, "Database timeouts"). */
function readDatabaseTimeouts(read: EnvReader) {
  const statementMs = read.integer('DATABASE_STATEMENT_TIMEOUT_MS', 30_000, 100, 3_600_000);
  const queryMs = read.integer('DATABASE_QUERY_TIMEOUT_MS', statementMs + 5000, 200, 3_700_000);
  if (queryMs <= statementMs) {
    throw new ConfigError('DATABASE_QUERY_TIMEOUT_MS', `must be longer than DATABASE_STATEMENT_TIMEOUT_MS (${statementMs}), so that PostgreSQL cancels a slow statement first`);
  }
  return {
    connectMs: read.integer('DATABASE_CONNECT_TIMEOUT_MS', 5000, 100, 300_000),
    poolMs: read.integer('DATABASE_POOL_TIMEOUT_MS', 10_000, 100, 300_000),
    statementMs,
    queryMs,
    idleInTransactionMs: read.integer('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000, 100, 3_600_000),
  };
}

/** Timeouts and caps at the network edge (`EdgeSettings`). */
function readEdgeSettings(read: EnvReader): EdgeSettings {
  const headersTimeoutMs = read.integer('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000);
  const requestTimeoutMs = read.integer('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  if (requestTimeoutMs < headersTimeoutMs) {
    throw new ConfigError('HTTP_REQUEST_TIMEOUT_MS', `must not be below HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs})`);
  }
  const fdLimit = openFileLimit();
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: read.integer('HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, 100, 3_600_000),
    idleTimeoutMs: read.integer('HTTP_IDLE_TIMEOUT_MS', 120_000, 100, 3_600_000),
    maxConnectionsPerAddress: read.integer('MAX_CONNECTIONS_PER_ADDRESS', 256, 1, 1_000_000),
    // Room for the database pool, the data files and the logs below the descriptor limit.
    maxConnections: read.integer('MAX_CONNECTIONS', Math.max(64, fdLimit - 512), 1, 10_000_000),
    authBodyLimitBytes: read.integer('AUTH_BODY_LIMIT_BYTES', 8 * 1024, 1024, 1024 * 1024),
    apiBodyLimitBytes: read.integer('API_BODY_LIMIT_BYTES', 256 * 1024, 1024, 1024 * 1024 * 1024),
    wsMaxPayloadBytes: read.integer('WS_MAX_PAYLOAD_BYTES', 64 * 1024, 1024, 64 * 1024 * 1024),
    wsFramesPerSecond: read.integer('WS_FRAMES_PER_SECOND', 100, 1, 1_000_000),
    wsFrameBurst: read.integer('WS_FRAME_BURST', 1000, 1, 10_000_000),
    wsUnauthenticatedFrames: read.integer('WS_UNAUTHENTICATED_FRAMES', 64, 1, 10_000),
    wsMaxBufferedBytes: read.integer('WS_MAX_BUFFERED_BYTES', 16 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
  };
}

/** The soft limit of open files of this process (Linux), or a common default elsewhere. */
function openFileLimit(): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    if (soft === 'unlimited') return 1_000_000;
    if (soft !== undefined) return Number(soft);
  } catch {
    // Not Linux.
  }
  return 1024;
}

/** Cluster mode is on when REDIS_URL is set. */
function readClusterSettings(read: EnvReader) {
  const redisUrl = read.optional('REDIS_URL') === undefined ? null : read.url('REDIS_URL', ['redis:', 'rediss:']);
  const instanceId = read.string('PHAROS_INSTANCE_ID', randomBytes(6).toString('hex'));
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(instanceId)) {
    throw new ConfigError('PHAROS_INSTANCE_ID', 'must be 1 to 64 letters, digits, dots, dashes or underscores');
  }
  const keyPrefix = read.string('REDIS_KEY_PREFIX', 'pharos:');
  if (keyPrefix.length > 100) throw new ConfigError('REDIS_KEY_PREFIX', 'must be at most 100 characters long');
  const heartbeatSeconds = read.seconds('CLUSTER_HEARTBEAT_SECONDS', 5, 0.1, 600);
  const leaseSeconds = read.seconds('CLUSTER_LEASE_SECONDS', 15, 0.3, 3600);
  if (leaseSeconds < heartbeatSeconds * 2) {
    throw new ConfigError('CLUSTER_LEASE_SECONDS', `must be at least twice CLUSTER_HEARTBEAT_SECONDS (${heartbeatSeconds})`);
  }
  return { redisUrl, keyPrefix, instanceId, heartbeatSeconds, leaseSeconds };
}

/** The agent socket, commands and the browsers' live sockets. */
function readAgentSettings(read: EnvReader) {
  const agentHeartbeatIntervalSeconds = read.seconds('AGENT_HEARTBEAT_INTERVAL_SECONDS', 30, 0.1, 3600);
  const agentHeartbeatTimeoutSeconds = read.seconds('AGENT_HEARTBEAT_TIMEOUT_SECONDS', 90, 0.2, 86_400);
  if (agentHeartbeatTimeoutSeconds <= agentHeartbeatIntervalSeconds) {
    throw new ConfigError('AGENT_HEARTBEAT_TIMEOUT_SECONDS', `must be longer than AGENT_HEARTBEAT_INTERVAL_SECONDS (${agentHeartbeatIntervalSeconds})`);
  }
  return {
    agentMaxMessageBytes: read.integer('AGENT_WS_MAX_MESSAGE_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    agentMessagesPerSecond: read.integer('AGENT_WS_MESSAGES_PER_SECOND', 20, 1, 100_000),
    agentMessageBurst: read.integer('AGENT_WS_MESSAGE_BURST', 200, 1, 1_000_000),
    agentHeartbeatIntervalSeconds,
    agentHeartbeatTimeoutSeconds,
    agentKeyCacheSeconds: read.seconds('AGENT_KEY_CACHE_SECONDS', 60, 0, 86_400),
    commandExpirySeconds: read.seconds('COMMAND_EXPIRY_SECONDS', 3600, 1, 30 * 86_400),
    commandResponseTimeoutSeconds: read.seconds('COMMAND_RESPONSE_TIMEOUT_SECONDS', 600, 1, 7 * 86_400),
    commandSweepSeconds: read.seconds('COMMAND_SWEEP_SECONDS', 10, 0.1, 3600),
    liveLogHistory: read.integer('LIVE_LOG_HISTORY', 100, 0, 1000),
    liveSocketsPerUser: read.integer('LIVE_SOCKETS_PER_USER', 20, 1, 10_000),
    liveSendBufferBytes: read.integer('LIVE_SEND_BUFFER_BYTES', 4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    liveHeartbeatSeconds: read.seconds('LIVE_HEARTBEAT_SECONDS', 30, 0.1, 3600),
    terminalIdleSeconds: read.seconds('TERMINAL_IDLE_TIMEOUT_SECONDS', 900, 1, 7 * 86_400),
    terminalWindowBytes: read.integer('TERMINAL_WINDOW_BYTES', 256 * 1024, 4096, 16 * 1024 * 1024),
    terminalOpenTimeoutSeconds: read.seconds('TERMINAL_OPEN_TIMEOUT_SECONDS', 15, 0.1, 600),
  };
}

/** A random secret generated on first start and kept (0600) in the data directory. */
function persistedSecret(dataDir: string, fileName: string, variable: string): string {
  const file = path.join(dataDir, fileName);
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length < 32) throw new ConfigError(variable, `is not given and ${file} holds no usable secret`);
    return secret;
  }
  try {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(48).toString('base64url');
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    return secret;
  } catch (error) {
    // Another process may have created it between the check and the write.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return persistedSecret(dataDir, fileName, variable);
    throw new ConfigError('PHAROS_DATA_DIR', `is not writable (${(error as Error).message})`);
  }
}
