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
