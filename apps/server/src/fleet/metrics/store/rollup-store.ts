import { Injectable } from '@nestjs/common';
import { PrismaService } from '@pharos/database';
import type { DbTransaction } from '../../../platform/database/transactions';
import { MINUTE_ROLLUPS, RAW_SAMPLES, rollupHoursSql, rollupMinutesSql } from './rollup-sql';

/** The rebuild statements (`rollup-sql.ts`), one per table and scope. */
export const ROLLUP_STATEMENTS = {
  minutePairs: rollupMinutesSql(RAW_SAMPLES.pairs),
  hourPairs: rollupHoursSql(MINUTE_ROLLUPS.pairs),
} as const;

/** A bucket of one server: its start. */
export interface ServerBucket {
  serverId: string;
  start: Date;
}

/**
 * The minute and hour rollups' SQL: each rollup row is recomputed from what is under it (raw
 * samples, or minutes), never incremented, so rebuilding one twice gives the same row. And the
 * one row that says from where a crash leaves rollups to rebuild.
 */
@Injectable()
export class RollupStore {
  constructor(private readonly prisma: PrismaService) {}

  /** The minutes of these (server, minute) pairs from raw, then these hours from minutes: one transaction (the caller's, if given). */
  async rebuildPairs(minutes: ServerBucket[], hours: ServerBucket[], tx?: DbTransaction): Promise<void> {
    const columns = (pairs: ServerBucket[]) => [pairs.map((p) => p.serverId), pairs.map((p) => p.start.toISOString())];
    if (tx) {
      await tx.$executeRawUnsafe(ROLLUP_STATEMENTS.minutePairs, ...columns(minutes));
      await tx.$executeRawUnsafe(ROLLUP_STATEMENTS.hourPairs, ...columns(hours));
      return;
    }
    await this.prisma.$transaction([
      this.prisma.$executeRawUnsafe(ROLLUP_STATEMENTS.minutePairs, ...columns(minutes)),
      this.prisma.$executeRawUnsafe(ROLLUP_STATEMENTS.hourPairs, ...columns(hours)),
    ]);
  }

  /** Where the last run left the rollups: from when to rebuild, and whether it shut down cleanly. */
  state(): Promise<{ pendingFrom: Date; cleanShutdown: boolean } | null> {
    return this.prisma.metricRollupState.findUnique({ where: { id: 1 }, select: { pendingFrom: true, cleanShutdown: true } });
  }

  async saveState(pendingFrom: Date, cleanShutdown: boolean): Promise<void> {
    await this.prisma.metricRollupState.upsert({ where: { id: 1 }, create: { id: 1, pendingFrom, cleanShutdown }, update: { pendingFrom, cleanShutdown } });
  }
}
