import type { DatabaseTarget, DatabaseTimeouts } from '@pharos/database';

/** How Pharos watches Lightd daemons and proxies their container consoles. */
export interface LightdSettings {
  /** A daemon silent (no health check, update or config call) this long is marked offline. */
  readonly offlineAfterSeconds: number;
  /** How often daemons are checked for silence. */
  readonly offlineSweepSeconds: number;
  /** Console proxy: the first delay before reconnecting to a daemon; it doubles up to the max. */
  readonly consoleReconnectMinMs: number;
  readonly consoleReconnectMaxMs: number;
  /** Console proxy: how long opening a daemon's container socket may take. */
  readonly consoleConnectTimeoutMs: number;
  /** Console proxy: a daemon socket that answers no ping within this long is dropped and reopened. */
  readonly consolePingSeconds: number;
  /**
   * Console proxy: the life of each socket token Pharos mints on the daemon (`POST /auth/tokens`)
   * before it connects; when it expires Lightd closes the socket and Pharos mints another.
   */
  readonly consoleTokenTtlSeconds: number;
  /**
   * An `installing` that arrives this soon after a container failed is taken as fired before
   * the failure (Lightd sends each update as its own request: they may arrive out of order).
   */
  readonly statusSettleSeconds: number;
  /** How often each daemon's containers' latest billing gauges are written to its usage history. */
  readonly usageSampleSeconds: number;
  /** A container counts as running (in the usage history) while its last billing gauge is this recent. */
  readonly usageRecentSeconds: number;
}

/**
 * How long append-only rows are kept, and how the one retention job deletes what outlived that
 * (`platform/retention/retention-job.ts`). The metric history has its own settings.
 */
export interface RetentionSettings {
  /** Between two passes; 0 for none of its own (something else calls `RetentionJob.run`). */
  readonly intervalSeconds: number;
  /** Rows one statement deletes at most. */
  readonly batchRows: number;
  /** Pause between two batches of a table, so ingest is never held up for long. */
  readonly batchPauseMs: number;
  readonly eventLogDays: number;
  readonly auditDays: number;
  /** Finished commands (completed, failed, timed out), by when they finished. */
  readonly commandDays: number;
  /** Resolved alert incidents, by when they resolved. */
  readonly alertIncidentDays: number;
  /** Delivered or abandoned notifications and every delivery attempt, by when they were made. */
  readonly alertNotificationDays: number;
  /** Lightd status and error updates (and status checks) as they came. */
  readonly lightdUpdateDays: number;
  /** Refresh tokens that expired or were revoked (used ones are revoked), by when. */
  readonly refreshTokenDays: number;
  /** Personal API tokens that expired or were revoked, by when. */
  readonly apiTokenDays: number;
  /** Node upgrade tokens that expired. */
  readonly upgradeTokenDays: number;
}

/**
 * What one client may cost the server before it is cut off: HTTP timeouts, connection caps,
 * per-route body limits, and the limits every WebSocket has whatever its kind
 * (`platform/http/edge-server.ts`, `platform/websockets/socket-limits.ts`).
 */
export interface EdgeSettings {
  /**
   * A connection must have sent a request's whole header block within this long, from when it
   * opened or its previous response ended; a connection that never sends a request is closed
   * after it too (408).
   */
  readonly headersTimeoutMs: number;
  /** A request's body must have been received within this long of its headers (408); release uploads are spared. */
  readonly requestTimeoutMs: number;
  /** How long a kept-alive connection may wait for its next request. */
  readonly keepAliveTimeoutMs: number;
  /** A connection silent both ways this long is closed, whatever it is doing (a stalled reader included). */
  readonly idleTimeoutMs: number;
  /** Open connections one remote address may hold (WebSockets included); more are closed at once. */
  readonly maxConnectionsPerAddress: number;
  /** Open connections in all (below the process's file-descriptor limit); more are closed at once. */
  readonly maxConnections: number;
  /** Largest body of login, refresh and logout. */
  readonly authBodyLimitBytes: number;
  /** Largest body of the admin API's routes (the ingest routes take `bodyLimitBytes`). */
  readonly apiBodyLimitBytes: number;
  /** Largest WebSocket message of sockets whose gateway sets none of its own. */
  readonly wsMaxPayloadBytes: number;
  /** Frames of any kind (messages, pings, pongs) one socket may send per second, sustained, and in a burst above it. */
  readonly wsFramesPerSecond: number;
  readonly wsFrameBurst: number;
  /** Frames of any kind a socket may send before it has authenticated (its auth message is one). */
  readonly wsUnauthenticatedFrames: number;
  /** Bytes queued for a socket that does not read before it is cut. */
  readonly wsMaxBufferedBytes: number;
}

/**
 * Cluster mode: several Pharos instances on one PostgreSQL, coordinated through Redis
 * (`platform/cluster`). Without `redisUrl` the process is alone and nothing here is used.
 */
export interface ClusterSettings {
  /** `redis://` or `rediss://` URL; null: a single process (the default). */
  readonly redisUrl: string | null;
  /** Every Redis key and channel Pharos uses starts with this (several clusters may share a Redis). */
  readonly keyPrefix: string;
  /** This instance's id (generated at start unless given): names its heartbeat, leases and bus messages. */
  readonly instanceId: string;
  /** How often the instance says it is alive; it counts as gone after three silent periods. */
  readonly heartbeatSeconds: number;
  /** How long a job lease lasts unrenewed: the most a job waits after its holder died. */
  readonly leaseSeconds: number;
}

/** The notification outbox's delivery worker (outbound/notifications) and the providers' hosts. */
export interface NotificationSettings {
  /** How often the worker looks for due notifications. */
  readonly pollMs: number;
  /** How long a leased notification is held; a crashed instance's rows are taken again after it. */
  readonly leaseSeconds: number;
  /** How long a new notification waits, so that alerts firing together go in one message. */
  readonly groupMs: number;
  /** The first retry's delay, doubling per attempt up to `retryMaxMs`. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** After this long undelivered, a notification is given up (`failed`). */
  readonly giveUpSeconds: number;
  /** One delivery request's time limit. */
  readonly requestTimeoutMs: number;
  /** Hosted providers' API bases (a test or a proxy points them elsewhere). */
  readonly slackUrl: string;
  readonly discordUrl: string;
  readonly telegramUrl: string;
}

/**
 * Single sign-on with an OpenID Connect provider (`identity/sso`); null when `OIDC_ISSUER` is
 * not set. The callback is `<publicUrl>/api/v1/auth/oidc/callback`.
 */
export interface OidcSettings {
  /** The provider's issuer URL (its discovery document is `<issuer>/.well-known/openid-configuration`). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Scopes asked for, `openid` among them. */
  readonly scopes: string[];
  /** The button's label: "Sign in with <displayName>". */
  readonly displayName: string;
  /** The claim whose value(s) decide the role (`groups`, `roles`, …; a string or a list of strings). */
  readonly roleClaim: string;
  /** Claim values that make the user an admin; else a viewer value makes them a viewer; else the sign-in is refused. */
  readonly adminValues: string[];
  readonly viewerValues: string[];
  /** Whether a first sign-in creates the user; if not, an admin links the account first. */
  readonly autoProvision: boolean;
  /** How long a sign-in may take from the redirect to the provider to its callback. */
  readonly signInTimeoutSeconds: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The whole configuration of a Pharos process, validated once at start-up (see
 * `loadConfig`) and injected by type wherever it is needed.
 */
/** The Prometheus exposition at `GET /metrics` (docs/operations.md, "Prometheus"). */
export interface PrometheusSettings {
  /** Off by default: `/metrics` answers 404. */
  enabled: boolean;
  /** When set, a scrape must send `Authorization: Bearer <token>` (compared in constant time). */
  token?: string;
}

export class PharosConfig {
  /** TCP port of the HTTP and WebSocket server. */
  readonly port!: number;
  readonly host!: string;
  /** Holds the embedded database, the generated JWT secret and uploaded files. */
  readonly dataDir!: string;
  readonly database!: DatabaseTarget;
  /** Bounds on every wait on PostgreSQL (`DatabaseTimeouts`); PGlite, inside the process, has none. */
  readonly databaseTimeouts!: DatabaseTimeouts;
  /** `/readyz` answers 503 when the database does not answer a trivial query within this long. */
  readonly readyTimeoutMs!: number;
  /** While the database is unavailable, how often the outage is logged (with the requests refused meanwhile). */
  readonly databaseOutageLogSeconds!: number;
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
  /** Every admin must sign in with a second factor (TOTP); one without it enrols at sign-in. */
  readonly requireTwoFactorForAdmins!: boolean;
  /**
   * Failed agent-key, node-secret or Lightd-token attempts one client address may make inside
   * the window; then credentials from it that have not authenticated lately are refused.
   */
  readonly credentialMaxFailures!: number;
  readonly credentialFailureWindowSeconds!: number;
  /** Honour X-Forwarded-For when Pharos runs behind a reverse proxy. */
  readonly trustProxy!: boolean;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimitBytes!: number;
  /**
   * The built dashboard to serve at `/`: a directory, null for none, undefined to look for
   * `apps/web/dist` in the installation.
   */
  readonly webRoot?: string | null;
  /** How often last-seen times of online servers are written (batched). */
  readonly presenceFlushSeconds!: number;
  /** How long a new WebSocket may take to send its auth message. */
  readonly wsAuthTimeoutSeconds!: number;
  /** Encrypts the secrets Pharos must read back (Lightd API tokens); never leaves the server. */
  readonly secretKey!: string;
  readonly lightd!: LightdSettings;
  /** Largest message an agent may send (bytes); a bigger one closes its socket. */
  readonly agentMaxMessageBytes!: number;
  /** Sustained messages per second an agent may send, and the burst above it; past both, its socket is closed. */
  readonly agentMessagesPerSecond!: number;
  readonly agentMessageBurst!: number;
  /** How often Pharos pings each agent, and how long an agent may stay silent before it is dropped and marked offline. */
  readonly agentHeartbeatIntervalSeconds!: number;
  readonly agentHeartbeatTimeoutSeconds!: number;
  /** How long a verified agent API key is remembered (revocation takes effect at once regardless). */
  readonly agentKeyCacheSeconds!: number;
  /** How long a command waits for its offline agent before it times out (default; a request may ask for less or more). */
  readonly commandExpirySeconds!: number;
  /** How long Pharos waits for the result of a command once it was sent. */
  readonly commandResponseTimeoutSeconds!: number;
  /** How often overdue commands are marked timed out. */
  readonly commandSweepSeconds!: number;
  /** How many recent entries a logs WebSocket sends before the live ones. */
  readonly liveLogHistory!: number;
  /** Browser WebSockets (metrics + logs) one user may hold open at once. */
  readonly liveSocketsPerUser!: number;
  /** Bytes queued for a slow browser before its socket is closed. */
  readonly liveSendBufferBytes!: number;
  /** How often browsers' sockets are pinged; one that missed the previous ping is dropped (and stops counting against its user's cap). */
  readonly liveHeartbeatSeconds!: number;
  /** A terminal with no input or resize for this long is closed by the relay. */
  readonly terminalIdleSeconds!: number;
  /** Output bytes a terminal's agent may have sent and the browser not yet drawn (its flow-control window). */
  readonly terminalWindowBytes!: number;
  /** How long an agent may take to answer `terminal_open`. */
  readonly terminalOpenTimeoutSeconds!: number;
  /** Days of raw metric samples kept (whole days, dropped as partitions). */
  readonly metricsRawRetentionDays!: number;
  /** How often the minutes that have ended are rolled up (samples near the present are rolled up after they commit). */
  readonly metricsRollupFlushSeconds!: number;
  /** Days of per-minute rollups kept. */
  readonly metricsMinuteRetentionDays!: number;
  /** Days of per-hour rollups kept. */
  readonly metricsHourRetentionDays!: number;
  readonly retention!: RetentionSettings;
  readonly edge!: EdgeSettings;
  readonly notifications!: NotificationSettings;
  /** How often open incidents are checked for a reminder (rules with a repeat interval). */
  readonly alertRepeatSweepSeconds!: number;
  /** An Ithiltir node is offline after this many of its report intervals pass without a report. */
  readonly nodeOfflineMissedReports!: number;
  /** Largest node release binary an admin may upload, in bytes. */
  readonly nodeReleaseMaxBytes!: number;
  readonly cluster!: ClusterSettings;
  readonly prometheus!: PrometheusSettings;
  /** Single sign-on with OIDC, or null when OIDC_ISSUER is unset. */
  readonly oidc!: OidcSettings | null;

  constructor(values: PharosConfig) {
    Object.assign(this, values);
  }
}
