import pg from 'pg';
import { isDatabaseUnavailable, isDataRefusal, refusalCode } from './data-refusal';

/**
 * An error response as pg's protocol parser builds it (`parseErrorMessage` in pg-protocol:
 * a `DatabaseError` with the response's fields). PGlite's has the same fields. What PostgreSQL
 * really sends for each case is exercised by `test/poisoned-batches.e2e-spec.ts`.
 */
const refusal = (code: string, message: string) => Object.assign(new pg.DatabaseError(message, 0, 'error'), { severity: 'ERROR', code });

describe('isDataRefusal', () => {
  it('is true for statements refused for the data they carried, with their SQLSTATE', () => {
    const cases: [string, Error, string][] = [
      ['a lone surrogate in JSON', refusal('22P02', 'invalid input syntax for type json'), '22P02'],
      ['NUL in JSON text', refusal('22P05', 'unsupported Unicode escape sequence'), '22P05'],
      ['NUL in a text parameter', refusal('22021', 'invalid byte sequence for encoding "UTF8": 0x00'), '22021'],
      ['a number out of range', refusal('22003', 'integer out of range'), '22003'],
      ['a row naming a deleted one', refusal('23503', 'insert or update on table "MetricSample" violates foreign key constraint'), '23503'],
    ];
    for (const [what, error, code] of cases) expect([what, refusalCode(error), isDataRefusal(error)]).toEqual([what, code, true]);
  });

  it('is false for refusals that are not about the data, and for errors that are not refusals', () => {
    for (const error of [refusal('42P01', 'relation "no_such_table" does not exist'), refusal('40P01', 'deadlock detected'), refusal('57014', 'canceling statement due to statement timeout'), refusal('53100', 'could not extend file')]) {
      expect([error.message, isDataRefusal(error)]).toEqual([error.message, false]);
    }
    // What pg rejects with when the connection is lost: no SQLSTATE, no severity.
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    for (const error of [lost, new Error('Connection terminated unexpectedly'), new TypeError("Cannot read properties of undefined (reading 'at')"), undefined, null, 'text']) {
      expect([refusalCode(error), isDataRefusal(error)]).toEqual([undefined, false]);
    }
  });

  it('reads the SQLSTATE through a Prisma error wrapping the driver adapter error', () => {
    // As @prisma/client builds a failed raw query's error (P2010) from the adapter's `convertDriverError`.
    const prisma = Object.assign(new Error('Raw query failed. Code: `22P02`.'), {
      code: 'P2010',
      meta: { driverAdapterError: { cause: { originalCode: '22P02', originalMessage: 'invalid input syntax for type json', kind: 'InvalidInputValue' } } },
    });
    expect([refusalCode(prisma), isDataRefusal(prisma)]).toEqual(['22P02', true]);
    // A socket error mapped by the adapter carries no SQLSTATE.
    const socket = Object.assign(new Error('Database not reachable'), { code: 'P1001', meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } } });
    expect([refusalCode(socket), isDataRefusal(socket)]).toEqual([undefined, false]);
  });
});

describe('isDatabaseUnavailable', () => {
  /** A Prisma error wrapping a driver error, as `@prisma/adapter-pg` reports one. */
  const wrapped = (cause: object) => Object.assign(new Error('Invalid `prisma.user.findUnique()` invocation:\n\n\nan error'), { code: 'P2010', meta: { driverAdapterError: { cause } } });

  it('is true for a database that cannot be reached or does not answer in time', () => {
    const cases: [string, unknown][] = [
      ['connect timeout (pg)', new Error('timeout expired')],
      ['pool acquire timeout (pg-pool)', new Error('timeout exceeded when trying to connect')],
      ['connect timeout (pg-pool)', new Error('Connection terminated due to connection timeout')],
      ['no answer (query_timeout)', new Error('Query read timeout')],
      ['connection lost', new Error('Connection terminated unexpectedly')],
      ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect', errno: -111 })],
      ['statement_timeout', refusal('57014', 'canceling statement due to statement timeout')],
      ['server shutting down', refusal('57P01', 'terminating connection due to administrator command')],
      ['too many connections', refusal('53300', 'sorry, too many clients already')],
      ['disk full', refusal('53100', 'could not extend file')],
      ['wrapped by Prisma', wrapped({ kind: 'postgres', originalCode: '57014', originalMessage: 'canceling statement due to statement timeout' })],
      ['socket kind from the adapter', wrapped({ kind: 'DatabaseNotReachable' })],
      ['Prisma pool timeout', Object.assign(new Error('Timed out fetching a new connection'), { code: 'P2024' })],
      ['no connection for a transaction in time', Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), { code: 'P2028' })],
      ['in a cause chain', new Error('could not store', { cause: new Error('Query read timeout') })],
    ];
    for (const [what, error] of cases) expect([what, isDatabaseUnavailable(error)]).toEqual([what, true]);
  });

  it('is false for refusals of what was asked, and for anything else', () => {
    const cases: [string, unknown][] = [
      ['a data refusal', refusal('22P02', 'invalid input syntax for type json')],
      ['a unique violation', refusal('23505', 'duplicate key value violates unique constraint')],
      ['a deadlock', refusal('40P01', 'deadlock detected')],
      ['a missing table', refusal('42P01', 'relation "x" does not exist')],
      ['wrapped refusal', wrapped({ kind: 'UniqueConstraintViolation', originalCode: '23505' })],
      ['a bug', new TypeError("Cannot read properties of undefined (reading 'at')")],
      ['nothing', undefined],
      ['a string', 'text'],
    ];
    for (const [what, error] of cases) expect([what, isDatabaseUnavailable(error)]).toEqual([what, false]);
  });
});
