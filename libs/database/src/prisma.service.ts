import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DATABASE_CONNECTION, type DatabaseConnection, type SqlRunner } from './database-target';
import { PrismaClient } from './generated/prisma/client';

/** The Prisma client of the process, over the driver adapter of the configured database. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection) {
    super({
      adapter: connection.adapterFactory,
      // A transaction waits for a connection as long as any other use of the pool does
      // (DATABASE_POOL_TIMEOUT_MS), not Prisma's 2 s: under a burst it queues, then gets a 503.
      ...(connection.timeouts ? { transactionOptions: { maxWait: connection.timeouts.poolMs } } : {}),
    });
  }

  /**
   * One statement straight on the driver (autocommit; see `DatabaseConnection.execute`), for
   * bulk writes whose parameters are large. Returns the rows it changed.
   */
  executeDirect(sql: string, ...params: unknown[]): Promise<number> {
    return this.connection.execute(sql, params);
  }

  /** Like `executeDirect`, but returns the rows the statement returned. */
  queryDirect<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.connection.query<T>(sql, params);
  }

  /**
   * A transaction straight on the driver (see `DatabaseConnection.transaction`): for hot-path
   * batches of a few large statements, without Prisma's per-statement overhead.
   */
  directTransaction<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T> {
    return this.connection.transaction(work);
  }

  /**
   * True when the database answers a trivial query within `timeoutMs`: false at once when it
   * fails, and at the latest after `timeoutMs` when it does not answer (the query itself is
   * left to its own timeouts).
   */
  async isReachable(timeoutMs = 2000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
    const answered = this.connection.query('SELECT 1', []).then(() => true, () => false);
    try {
      return await Promise.race([answered, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.connection.close();
  }
}
