import { Injectable } from '@nestjs/common';
import { PrismaService } from '@pharos/database';
import { MINUTE_ROLLUPS, RAW_SAMPLES, rollupHoursSql, rollupMinutesSql } from './rollup-sql';

/** The rebuild statements (`rollup-sql.ts`), one per table and scope. */
export const ROLLUP_STATEMENTS = {
  minutePairs: rollupMinutesSql(RAW_SAMPLES.pairs),
  hourPairs: rollupHoursSql(MINUTE_ROLLUPS.pairs),
  minuteRange: rollupMinutesSql(RAW_SAMPLES.range),
  hourRange: rollupHoursSql(MINUTE_ROLLUPS.range),
  minuteServer: rollupMinutesSql(RAW_SAMPLES.server),
  hourServer: rollupHoursSql(MINUTE_ROLLUPS.server),
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

  /** The minutes of these (server, minute) pairs from raw, then these hours from minutes: one transaction. */
  async rebuildPairs(minutes: ServerBucket[], hours: ServerBucket[]): Promise<void> {
    const columns = (pairs: ServerBucket[]) => [pairs.map((p) => p.serverId), pairs.map((p) => p.start.toISOString())];
    await this.prisma.$transaction([
      this.prisma.$executeRawUnsafe(ROLLUP_STATEMENTS.minutePairs, ...columns(minutes)),
      this.prisma.$executeRawUnsafe(ROLLUP_STATEMENTS.hourPairs, ...columns(hours)),
    ]);
  }

  /** Every minute in [minutes), then every hour in [hours), of one server or all. */
  async rebuildRange(minutes: [Date, Date], hours: [Date, Date], serverId?: string): Promise<void> {
    const params = (bounds: [Date, Date]) => [...bounds.map((d) => d.toISOString()), ...(serverId ? [serverId] : [])];
    await this.prisma.$executeRawUnsafe(serverId ? ROLLUP_STATEMENTS.minuteServer : ROLLUP_STATEMENTS.minuteRange, ...params(minutes));
    await this.prisma.$executeRawUnsafe(serverId ? ROLLUP_STATEMENTS.hourServer : ROLLUP_STATEMENTS.hourRange, ...params(hours));
  }

  /** Where the last run left the rollups: from when to rebuild, and whether it shut down cleanly. */
  state(): Promise<{ pendingFrom: Date; cleanShutdown: boolean } | null> {
    return this.prisma.metricRollupState.findUnique({ where: { id: 1 }, select: { pendingFrom: true, cleanShutdown: true } });
  }

  async saveState(pendingFrom: Date, cleanShutdown: boolean): Promise<void> {
    await this.prisma.metricRollupState.upsert({ where: { id: 1 }, create: { id: 1, pendingFrom, cleanShutdown }, update: { pendingFrom, cleanShutdown } });
  }
}
