import { Injectable } from '@nestjs/common';
import { PrismaService } from '@pharos/database';
import { rebuildRollupSql, ROLLUPS } from './rollup-sql';

const [MINUTE, HOUR] = ROLLUPS;

/** The rebuild statements, built once from the series list (written out in `queries/`). */
export const ROLLUP_STATEMENTS = {
  minutePairs: rebuildRollupSql(MINUTE, 'raw', 'pairs'),
  hourPairs: rebuildRollupSql(HOUR, '1m', 'pairs'),
  minuteRange: rebuildRollupSql(MINUTE, 'raw', 'range'),
  hourRange: rebuildRollupSql(HOUR, '1m', 'range'),
  minuteServer: rebuildRollupSql(MINUTE, 'raw', 'server'),
  hourServer: rebuildRollupSql(HOUR, '1m', 'server'),
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
