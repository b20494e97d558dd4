import { Injectable } from '@nestjs/common';
import { type Prisma, PrismaService } from '@pharos/database';

/** A transaction in progress: stores whose writes must join it take it as their last argument. */
export type DbTransaction = Prisma.TransactionClient;

/**
 * Opens transactions that span several stores (a command, its audit entry and its event-log
 * entry commit together). Services hold this, not the database client: the SQL stays in stores.
 */
@Injectable()
export class Transactions {
  constructor(private readonly prisma: PrismaService) {}

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  run<T>(work: (tx: DbTransaction) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }
}
