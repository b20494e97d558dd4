import type { DatabaseTarget } from '@pharos/database';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The whole configuration of a Pharos process, validated once at start-up (see
 * `loadConfig`) and injected by type wherever it is needed.
 */
export class PharosConfig {
  /** TCP port of the HTTP and WebSocket server. */
  readonly port!: number;
  readonly host!: string;
  /** Holds the embedded database, the generated JWT secret and uploaded files. */
  readonly dataDir!: string;
  readonly database!: DatabaseTarget;
  readonly migrateOnStart!: boolean;
  /** The base URL clients reach Pharos at, without a trailing slash. */
  readonly publicUrl!: string;
  readonly jwtSecret!: string;
  readonly accessTokenTtlSeconds!: number;
  readonly refreshTokenTtlSeconds!: number;
  readonly logLevel!: LogLevel;
  /** Password of the first admin, when the operator chooses it instead of a generated one. */
  readonly adminPassword?: string;
  /** Failed logins allowed per client address and per username inside the window. */
  readonly loginMaxFailures!: number;
  readonly loginFailureWindowSeconds!: number;
  /** Honour X-Forwarded-For when Pharos runs behind a reverse proxy. */
  readonly trustProxy!: boolean;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimitBytes!: number;
  /** How often last-seen times of online servers are written (batched). */
  readonly presenceFlushSeconds!: number;
  /** How long a new WebSocket may take to send its auth message. */
  readonly wsAuthTimeoutSeconds!: number;
  /** Days of raw metric samples kept (whole days, dropped as partitions). */
  readonly metricsRawRetentionDays!: number;
  /** Days of per-minute rollups kept. */
  readonly metricsMinuteRetentionDays!: number;
  /** Days of per-hour rollups kept. */
  readonly metricsHourRetentionDays!: number;
  /** An Ithiltir node is offline after this many of its report intervals pass without a report. */
  readonly nodeOfflineMissedReports!: number;
  /** Largest node release binary an admin may upload, in bytes. */
  readonly nodeReleaseMaxBytes!: number;

  constructor(values: PharosConfig) {
    Object.assign(this, values);
  }
}
