import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { adoptUnmarked, buildDirFor, dataDirState, isUsedDatabase, moveAside, moveIntoPlace, removeStaleBuilds } from './pglite-data-dir';
import { pgliteTemplateFile, readPgliteTemplate, savePgliteTemplate } from './pglite-template';

/** The Nest injection token of the process's one `DatabaseConnection`. */
export const DATABASE_CONNECTION = Symbol('DATABASE_CONNECTION');

/**
 * How long Pharos waits on PostgreSQL, so that a database that stops answering (hung, cut off,
 * overloaded) costs each request a bounded wait and a 503, never a hang. PGlite runs inside
 * the process: nothing of it can stop answering on its own, and none of these apply.
 */
export interface DatabaseTimeouts {
  /** Opening a connection (TCP, TLS, start-up, authentication). */
  connectMs: number;
  /** Getting a connection from the pool, opening one included (pg-pool's `connectionTimeoutMillis`). */
  poolMs: number;
  /** PostgreSQL's `statement_timeout`: the server cancels a statement running longer. */
  statementMs: number;
  /**
   * How long Pharos waits for a statement's answer before it gives up on the connection (it is
   * closed): the bound when the server does not answer at all, so longer than `statementMs`.
   */
  queryMs: number;
  /** PostgreSQL's `idle_in_transaction_session_timeout`: a transaction left open this long is ended by the server. */
  idleInTransactionMs: number;
}

/** Where Pharos keeps its data: a Postgres server, or PGlite files under a data directory. */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dataDir: string };

/**
 * An open database: the driver adapter factory Prisma and the schema engine both use, and the
 * one way to release it. PGlite is an in-process database that may be opened only once per
 * directory, so everything in a process must share one `DatabaseConnection`.
 */
/** A connection pool's state: connections open, idle, requests waiting for one, and its size. */
export interface PoolUsage {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

export interface DatabaseConnection {
  readonly target: DatabaseTarget;
  /** The bounds on waits on PostgreSQL this connection was opened with (none for PGlite). */
  readonly timeouts?: DatabaseTimeouts;
  readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /**
   * Runs one statement on the driver itself, outside Prisma (autocommit), and returns the rows
   * it changed: for bulk writes on the hot path, whose parameters are large. Prisma's raw
   * queries serialize every parameter to JSON and parse it back, which for a batch of reports
   * costs more than the statement.
   */
  execute(sql: string, params: unknown[]): Promise<number>;
  /** Like `execute`, but returns the rows the statement returned. */
  query<T>(sql: string, params: unknown[]): Promise<T[]>;
  /**
   * Runs `work` in one transaction on the driver itself, outside Prisma: committed when it
   * resolves, rolled back when it throws. For hot-path batches of a few large statements.
   */
  transaction<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** The pool's connections now (PostgreSQL only: the embedded database has no pool), for metrics. */
  poolUsage?(): PoolUsage;
  /** Called once migrations are applied, before anything else is written (the PGlite template). */
  afterMigrations?(): Promise<void>;
  /**
   * A fresh embedded database is built aside (see `pglite-data-dir.ts`): called once it is
   * built (and migrated, when the caller migrates), this moves it into place and reopens it
   * there. Until then, closing the connection discards the build.
   */
  completeFirstStart?(): Promise<void>;
}

export interface OpenOptions {
  /** Bounds on every wait on PostgreSQL (see `DatabaseTimeouts`); none when absent. */
  timeouts?: DatabaseTimeouts;
  /** Told what happened to the embedded data directory (a broken one moved aside, a stale build removed). */
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** Statements on the driver: inside a transaction (`DatabaseConnection.transaction`), or each on its own. */
export interface SqlRunner {
  /** The rows the statement returned (cast what must compare equal on both drivers, e.g. ids, to text). */
  query<T>(sql: string, params: unknown[]): Promise<T[]>;
}

export function describeTarget(target: DatabaseTarget): string {
  if (target.kind === 'pglite') {
    return target.dataDir.startsWith('memory://') ? 'embedded PGlite (in memory)' : `embedded PGlite at ${target.dataDir}`;
  }
  const url = new URL(target.url);
  return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * The driver's client, as Pharos's pools open it:
 *
 * - No JIT compilation. The rollup statements expand per-entity series with jsonb_each, whose
 *   row estimates put them far over `jit_above_cost`: each was compiled with full optimization,
 *   ~1.2 s of a core for a statement that runs in ~40 ms, and under load that starved the ingest
 *   beside it. Nothing Pharos runs is long enough to gain from JIT. Set once per connection,
 *   before the pool hands it out; a server without the setting keeps its own.
 * - `@prisma/adapter-pg` has no mapping for Postgres's one-byte `"char"` type and fails any query
 *   returning one; the schema engine's catalog queries (e.g. `pg_class.relkind`) do. Its values
 *   arrive as strings, so reporting the column as `text` is exact.
 */
class PharosPgClient extends pg.Client {
  constructor(config: pg.ClientConfig & { pharosConnectTimeoutMillis?: number } = {}) {
    // The pool hands each client its own options: its acquire timeout is not the connect timeout.
    const { pharosConnectTimeoutMillis, ...rest } = config;
    super(pharosConnectTimeoutMillis === undefined ? rest : { ...rest, connectionTimeoutMillis: pharosConnectTimeoutMillis });
    // A connection that fails while nobody holds it is dropped by the pool (it is no longer
    // queryable); this listener only keeps such an error from becoming an uncaught exception.
    this.on('error', () => undefined);
  }

  override connect(...args: unknown[]): never {
    // A server without the setting keeps its own; one that does not answer in time fails the connect.
    const ready = super.connect().then(() =>
      super.query('SET jit = off').then(
        () => undefined,
        (error: Error) => {
          if (error.message !== QUERY_READ_TIMEOUT) return;
          this.dropAfterTimeout(error);
          throw error;
        },
      ),
    );
    const callback = args[0];
    // pg.Pool connects with a callback; a lone client with a promise.
    if (typeof callback !== 'function') return ready as never;
    ready.then(() => (callback as (error?: Error) => void)(), (error: Error) => (callback as (error?: Error) => void)(error));
    return undefined as never;
  }

  override query(...args: unknown[]): never {
    const last = args.length - 1;
    // pg.Pool queries with a callback; the adapter's transactions with a promise.
    if (typeof args[last] === 'function') {
      const callback = args[last] as (error: Error | null, result?: pg.QueryResult) => void;
      args[last] = (error: Error | null, result?: pg.QueryResult) => {
        if (error) this.dropAfterTimeout(error);
        callback(error, result && charAsText(result));
      };
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return (result instanceof Promise ? result.then(charAsText, (error: Error) => { this.dropAfterTimeout(error); throw error; }) : result) as never;
  }

  /**
   * pg gives up waiting on a statement after `query_timeout` but keeps the connection, whose
   * next statements would queue behind the one still unanswered: the connection is closed
   * instead, so the pool opens a fresh one (or fails fast while the server is away).
   */
  private dropAfterTimeout(error: Error): void {
    if (error.message === QUERY_READ_TIMEOUT) (this as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }
}

/** pg's error when a statement got no answer within `query_timeout`. */
const QUERY_READ_TIMEOUT = 'Query read timeout';

function charAsText(result: pg.QueryResult): pg.QueryResult {
  for (const field of result.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
  return result;
}

/**
 * `@prisma/adapter-pg` for the app, with a shadow database the schema engine can use: the
 * stock one resolves its shadow database from the connection string (which names the main
 * database) and drops it before closing its own pool. Config is discrete fields, never a
 * connection string, so overriding `database` really targets the shadow database.
 */
class PostgresAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';
  private readonly main: PrismaPg;
  /** The app's one pool: Prisma's queries and `execute`'s. */
  readonly pool: pg.Pool;
  /** Adapters handed out and not yet disposed: the schema engine never disposes its own. */
  private readonly open = new Set<SqlDriverAdapter>();

  constructor(private readonly config: pg.PoolConfig) {
    this.pool = new pg.Pool(config);
    // A connection that fails while idle in the pool (the server restarted, a late answer after
    // a timeout) is dropped by the pool, which then emits 'error': without a listener, an
    // uncaught exception. The next use of the pool tells the caller whatever is still wrong.
    this.pool.on('error', () => undefined);
    this.main = new PrismaPg(this.pool);
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.main.connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      this.open.delete(adapter);
      await dispose();
    };
    this.open.add(adapter);
    return adapter;
  }

  /** Closes every adapter this factory handed out, and the pool. */
  async close(): Promise<void> {
    await Promise.all([...this.open].map((adapter) => adapter.dispose()));
    if (!this.pool.ended) await this.pool.end();
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `prisma_migrate_shadow_db_${randomUUID()}`;
    const admin = new pg.Client({ ...this.config });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } catch (error) {
      await admin.end();
      throw error;
    }
    const shadow = new PrismaPg(new pg.Pool({ ...this.config, database: name, max: 1 }), { disposeExternalPool: true });
    const adapter = await shadow.connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    };
    return adapter;
  }
}

/**
 * `pglite-prisma-adapter` over the process's one PGlite, with shadow databases (for the
 * schema engine's diffs) that are closed when the engine is done with them; the stock factory
 * leaves each in-memory shadow instance open.
 */
class PgliteAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName: string;
  private main: PrismaPGlite;

  constructor(pglite: PGlite) {
    this.main = new PrismaPGlite(pglite);
    this.adapterName = this.main.adapterName;
  }

  /** Connects later adapters to `pglite` (the database reopened where it was moved). */
  use(pglite: PGlite): void {
    this.main = new PrismaPGlite(pglite);
  }

  connect(): Promise<SqlDriverAdapter> {
    return this.main.connect();
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const shadow = await PGlite.create();
    const adapter = await new PrismaPGlite(shadow).connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await shadow.close();
    };
    return adapter;
  }
}

/** Names of the statements prepared so far, by text. */
const statementNames = new Map<string, string>();
/** The hot paths' statements are a handful of fixed texts; past this many, the rest run unprepared. */
const MAX_PREPARED_STATEMENTS = 64;

/**
 * A statement run through `execute`, `query` or `transaction`, as a named prepared statement:
 * each connection parses and plans it once, then runs it with new parameters (the hot paths'
 * statements are large CTEs: planning them each time cost PostgreSQL a tenth of its time per
 * Lightd update). A caller building statement text with values in it would only fill the cache,
 * so its size is capped.
 */
function prepared(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED_STATEMENTS) {
    name = `pharos_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return name === undefined ? { text, values } : { name, text, values };
}

/** The pool's and each connection's settings for `timeouts` (none: wait as long as it takes). */
function timeoutSettings(timeouts: DatabaseTimeouts | undefined): Record<string, unknown> {
  if (!timeouts) return {};
  return {
    connectionTimeoutMillis: timeouts.poolMs,
    pharosConnectTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    query_timeout: timeouts.queryMs,
    // A peer that vanished without closing (a cut network) is noticed by TCP keepalives.
    keepAlive: true,
  };
}

/**
 * Opens the database. `timeouts` bound every wait on PostgreSQL (see `DatabaseTimeouts`);
 * without them (migrations, which may run long), nothing is bounded.
 */
export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<DatabaseConnection> {
  const { timeouts } = options;
  if (target.kind === 'postgres') {
    const adapterFactory = new PostgresAdapterFactory({
      ...parseIntoClientConfig(target.url),
      max: target.poolSize ?? 10,
      ...timeoutSettings(timeouts),
      Client: PharosPgClient,
    } as pg.PoolConfig);
    return {
      target,
      timeouts,
      adapterFactory,
      poolUsage: () => {
        const { pool } = adapterFactory;
        return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 };
      },
      execute: async (sql, params) => (await adapterFactory.pool.query(prepared(sql, params))).rowCount ?? 0,
      query: async <T>(sql: string, params: unknown[]) => (await adapterFactory.pool.query(prepared(sql, params))).rows as T[],
      transaction: async (work) => {
        const client = await adapterFactory.pool.connect();
        // A connection lost while checked out emits 'error': without a listener, an uncaught exception.
        let lost: Error | undefined;
        const onLost = (error: Error) => (lost = error);
        client.on('error', onLost);
        let result;
        try {
          await client.query('BEGIN');
          result = await work({ query: async <T>(sql: string, params: unknown[]) => (await client.query(prepared(sql, params))).rows as T[] });
          await client.query('COMMIT');
        } catch (error) {
          // A connection that cannot even roll back is discarded (released with the error).
          const broken = await client.query('ROLLBACK').then(() => lost, (e: unknown) => e as Error);
          client.off('error', onLost);
          client.release(broken);
          throw error;
        }
        client.off('error', onLost);
        client.release(lost);
        return result;
      },
      close: () => adapterFactory.close(),
    };
  }
  return openPglite(target, options);
}

/**
 * The embedded database. An existing data directory is opened where it is; a new one is built
 * beside it and moved into place by `completeFirstStart` (`pglite-data-dir.ts`), from the
 * template of a migrated database when one was kept.
 */
async function openPglite(target: DatabaseTarget & { kind: 'pglite' }, options: OpenOptions): Promise<DatabaseConnection> {
  const log = options.log ?? (() => undefined);
  const onDisk = !target.dataDir.startsWith('memory://');
  let buildDir: string | null = null;
  if (onDisk) {
    const removed = removeStaleBuilds(target.dataDir);
    if (removed.length > 0) log('info', `removed ${removed.length} embedded database build(s) an interrupted first start left: ${removed.join(', ')}`);
    let state = dataDirState(target.dataDir);
    if (state === 'unmarked') {
      if (await isUsedDatabase(target.dataDir)) {
        adoptUnmarked(target.dataDir);
        state = 'complete';
      } else {
        const aside = moveAside(target.dataDir);
        log('warn', `the embedded database at ${target.dataDir} was left half-made by an interrupted first start (it does not open, or holds no account): moved aside to ${aside} and built again`);
        state = 'absent';
      }
    } else if (state === 'foreign') {
      const aside = moveAside(target.dataDir);
      log('warn', `${target.dataDir} holds files but no embedded database: moved aside to ${aside}, and a new database built in its place`);
      state = 'absent';
    }
    if (state === 'absent') {
      buildDir = buildDirFor(target.dataDir);
      mkdirSync(buildDir, { recursive: true });
    }
  }
  // A fresh data directory starts from the kept template of a migrated database, if there is one.
  const templateFile = buildDir ? pgliteTemplateFile() : null;
  const template = readPgliteTemplate(templateFile);
  let pglite = await PGlite.create({ dataDir: buildDir ?? target.dataDir, ...(template ? { loadDataDir: template } : {}) });
  const adapterFactory = new PgliteAdapterFactory(pglite);
  return {
    target,
    adapterFactory,
    // PGlite runs a query outside a transaction only when no transaction is open.
    execute: async (sql, params) => (await pglite.query(sql, params)).affectedRows ?? 0,
    query: async <T>(sql: string, params: unknown[]) => (await pglite.query<T>(sql, params)).rows,
    transaction: (work) => pglite.transaction((tx) => work({ query: async <T>(sql: string, params: unknown[]) => (await tx.query<T>(sql, params)).rows })),
    close: async () => {
      if (!pglite.closed) await pglite.close();
      // A build never completed holds nothing anyone wrote through Pharos.
      if (buildDir) rmSync(buildDir, { recursive: true, force: true });
    },
    ...(templateFile && !template
      ? {
          afterMigrations: async () => {
            // A cache: failing to keep it only makes the next fresh start slower.
            await savePgliteTemplate(pglite, templateFile).catch(() => undefined);
          },
        }
      : {}),
    ...(buildDir
      ? {
          completeFirstStart: async () => {
            if (!buildDir) return;
            await pglite.close();
            moveIntoPlace(buildDir, target.dataDir);
            buildDir = null;
            pglite = await PGlite.create({ dataDir: target.dataDir });
            adapterFactory.use(pglite);
          },
        }
      : {}),
  };
}

/**
 * True when `error` is PostgreSQL refusing a statement (an error response with its SQLSTATE and
 * severity, from pg or PGlite): the statement, and its implicit transaction, stored nothing. A
 * lost connection is not one: a statement sent on it may have committed before the reply was
 * lost.
 */
export function isStatementRefusal(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}
