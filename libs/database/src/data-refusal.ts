import { isStatementRefusal } from './database-target';

/**
 * The SQLSTATE of PostgreSQL refusing a statement (`isStatementRefusal`): from the driver's
 * error (pg, PGlite), or from a Prisma error wrapping it (`meta.driverAdapterError`, whose
 * `cause.originalCode` both driver adapters set only for an error response). Undefined for
 * anything else: a lost connection, a timeout on our side, a bug.
 */
export function refusalCode(error: unknown): string | undefined {
  if (isStatementRefusal(error)) return (error as { code: string }).code;
  const wrapped = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | undefined)?.meta?.driverAdapterError?.cause?.originalCode;
  return typeof wrapped === 'string' && /^[0-9A-Z]{5}$/.test(wrapped) ? wrapped : undefined;
}

/**
 * True when PostgreSQL refused a statement for the data it was given, so that it stored
 * nothing and the same write without the offending rows would pass: SQLSTATE class 22, data
 * exception (22P02 invalid text for a type, such as a lone surrogate's `\ud800` in JSON; 22P05
 * untranslatable character, such as `\u0000`; 22021 invalid byte sequence; 22003 number out of
 * range; …), or class 23, integrity constraint violation (23503: a row names one deleted
 * meanwhile; …). Not a lost connection, a timeout, a deadlock or a full disk: those are the
 * store's state, not one row's.
 */
export function isDataRefusal(error: unknown): boolean {
  const code = refusalCode(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * SQLSTATEs of a database that cannot take writes now, whatever they carry: class 08
 * (connection exception), 53 (insufficient resources: too many connections, disk full, out
 * of memory), 57014 (statement cancelled: `statement_timeout`), 57P01–57P03 (shutting down,
 * crashed, starting up), 55P03 (lock not available in time), 25P03 (transaction left idle too long).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57014|57P0[123]|55P03|25P03)/;
/**
 * Prisma's codes for the same: unreachable, timed out, connection closed, pool timeout, and
 * P2028 (its transaction API), whose errors are a transaction that could not get a connection
 * within `maxWait` or ran past its `timeout`.
 */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
/** `@prisma/adapter-pg`'s kinds for socket errors. */
const UNAVAILABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError']);
/** Socket errors (Node's `code`). */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** pg's and pg-pool's own errors (plain `Error`s, told apart by message only). */
const UNAVAILABLE_MESSAGE =
  /^timeout expired$|timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error|Connection ended|Client was closed and is not queryable|Cannot use a pool after calling end|the database system is (starting up|shutting down|in recovery mode)/;

/**
 * True when `error` says the database could not be reached or did not answer in time (see
 * `DatabaseTimeouts`), rather than refusing what it was asked: a connection refused, lost or
 * timed out, a pool with no connection to give, a statement cancelled by `statement_timeout`,
 * a server shutting down or out of connections. Such a write may be tried again later: the
 * client gets a 503. Looks through Prisma's wrappers and `cause` chains.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const e = current as { code?: unknown; kind?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    const sqlState = isStatementRefusal(current) ? (e.code as string) : typeof e.originalCode === 'string' ? e.originalCode : undefined;
    if (sqlState !== undefined && UNAVAILABLE_SQLSTATE.test(sqlState)) return true;
    if (typeof e.code === 'string' && (UNAVAILABLE_PRISMA_CODES.has(e.code) || UNAVAILABLE_SOCKET_CODES.has(e.code))) return true;
    if (typeof e.kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(e.kind)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
    pending.push(e.cause, e.meta?.driverAdapterError);
  }
  return false;
}
