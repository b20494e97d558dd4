import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { LOG_LEVELS, type LogLevel, PharosConfig } from './pharos-config';

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
 * the first bad variable. When JWT_SECRET is not given, a random one is generated on first
 * start and kept in the data directory, so tokens survive restarts.
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
  const adminPassword = read.optional('PHAROS_ADMIN_PASSWORD');
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('PHAROS_ADMIN_PASSWORD', 'must be at least 8 characters long');
  }

  return new PharosConfig({
    port,
    host,
    dataDir,
    database,
    migrateOnStart: read.boolean('PHAROS_MIGRATE_ON_START', true),
    publicUrl,
    jwtSecret: jwtSecretGiven ?? persistedJwtSecret(dataDir),
    accessTokenTtlSeconds: read.integer('ACCESS_TOKEN_TTL_SECONDS', 900, 10, 86_400),
    refreshTokenTtlSeconds: read.integer('REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, 60, 365 * 86_400),
    logLevel,
    adminPassword,
    loginMaxFailures: read.integer('LOGIN_MAX_FAILURES', 10, 1, 10_000),
    loginFailureWindowSeconds: read.integer('LOGIN_FAILURE_WINDOW_SECONDS', 900, 1, 86_400),
    trustProxy: read.boolean('TRUST_PROXY', false),
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    presenceFlushSeconds: read.integer('PRESENCE_FLUSH_SECONDS', 5, 1, 3600),
    wsAuthTimeoutSeconds: read.integer('WS_AUTH_TIMEOUT_SECONDS', 10, 1, 300),
    metricsRawRetentionDays: read.integer('METRICS_RAW_RETENTION_DAYS', 7, 1, 3650),
    metricsMinuteRetentionDays: read.integer('METRICS_MINUTE_RETENTION_DAYS', 90, 1, 3650),
    metricsHourRetentionDays: read.integer('METRICS_HOUR_RETENTION_DAYS', 730, 1, 36500),
    nodeOfflineMissedReports: read.integer('NODE_OFFLINE_MISSED_REPORTS', 5, 1, 1000),
    // Stored sizes are 32-bit integers.
    nodeReleaseMaxBytes: read.integer('NODE_RELEASE_MAX_BYTES', 256 * 1024 * 1024, 1024, 2 ** 31 - 1),
  });
}

function persistedJwtSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length < 32) throw new ConfigError('JWT_SECRET', `is not given and ${file} holds no usable secret`);
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
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return persistedJwtSecret(dataDir);
    throw new ConfigError('PHAROS_DATA_DIR', `is not writable (${(error as Error).message})`);
  }
}
