import { PGlite } from '@electric-sql/pglite';
import { isDataRefusal, refusalCode } from './data-refusal';

/** What PostgreSQL throws for `sql`, run on an in-memory PGlite (the real server's parser and types). */
async function errorOf(db: PGlite, sql: string, params: unknown[] = []): Promise<unknown> {
  return db.query(sql, params).then(
    () => {
      throw new Error(`expected ${sql} to fail`);
    },
    (error: unknown) => error,
  );
}

describe('isDataRefusal', () => {
  let db: PGlite;

  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec('CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (parent int REFERENCES parent(id), n int, j jsonb)');
  });
  afterAll(() => db.close());

  it('is true for statements refused for the data they carried, with their SQLSTATE', async () => {
    const cases: [string, unknown[], string][] = [
      ['a lone surrogate in JSON', [JSON.stringify({ a: 'bad \ud800' })], '22P02'],
      ['NUL in JSON text', ['{"a":"\\u0000"}'], '22P05'],
      ['a row naming a deleted one', [], '23503'],
      ['a number out of range', [], '22003'],
    ];
    const statements = [
      'SELECT $1::jsonb',
      "SELECT * FROM json_to_recordset(('[' || $1 || ']')::json) AS (a text)",
      'INSERT INTO child (parent) VALUES (7)',
      'INSERT INTO child (n) VALUES (1e12)',
    ];
    for (const [i, [what, params, code]] of cases.entries()) {
      const error = await errorOf(db, statements[i]!, params);
      expect([what, refusalCode(error), isDataRefusal(error)]).toEqual([what, code, true]);
    }
  });

  it('is false for refusals that are not about the data (a missing table, a syntax error) and for errors that are not refusals', async () => {
    expect(isDataRefusal(await errorOf(db, 'SELECT * FROM no_such_table'))).toBe(false);
    expect(isDataRefusal(await errorOf(db, 'SELEC 1'))).toBe(false);
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    for (const error of [lost, new TypeError("Cannot read properties of undefined (reading 'at')"), undefined, null, 'text']) expect(isDataRefusal(error)).toBe(false);
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
