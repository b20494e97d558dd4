import { Injectable } from '@nestjs/common';
import { PrismaService } from '@pharos/database';
import type { DbTransaction } from '../../../platform/database/transactions';
import {
  BLOCKS_OF_SERVER_SQL,
  BLOCKS_OF_SERVERS_SQL,
  DELETE_BLOCKS_BEFORE_SQL,
  LOCK_SAMPLES_FOR_WRITE_SQL,
    MINUTES_IN_RANGE_SQL,
  PUT_BLOCKS_SQL,
  RAW_MINUTES_BEFORE_SQL,
  RESTORE_SAMPLES_SQL,
  START_STEP_SQL,
  TAKE_BLOCKS_SQL,
  TAKE_SAMPLES_SQL,
} from './block-sql';
import type { ServerBucket } from './rollup-store';

/** A raw sample as taken for a block: its time in ms, each column as its exact text, its series as jsonb prints it. */
export type TakenSample = { serverId: string; at: number; series: string | null } & Record<string, string | number | null>;

/** A block row: its server, its minute (ms), how many samples, and the encoded samples. */
export interface BlockRow {
  serverId: string;
  minute: number;
  samples: number;
  data: Uint8Array;
}

/** A (server, minute) pair and how many samples it holds, about. */
export interface ServerMinute {
  serverId: string;
  minute: number;
  samples: number;
}

/** How long one compaction step may hold its transaction open. */
const STEP_TIMEOUT_MS = 120_000;

/**
 * The compacted history's SQL (`block-sql.ts`): blocks taken and put, raw samples taken and
 * restored, inside the caller's transaction; the blocks a history read covers; the trimming.
 */
@Injectable()
export class BlockStore {
  constructor(private readonly prisma: PrismaService) {}

  /** Runs `work` in one transaction that may take longer than a request's (a compaction step). */
  transaction<T>(work: (tx: DbTransaction) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work, { timeout: STEP_TIMEOUT_MS, maxWait: STEP_TIMEOUT_MS });
  }

  /** Starts a step: locks the compaction of these servers until the transaction ends, and plans its statements pair by pair (`START_STEP_SQL`). */
  async startStep(serverIds: string[], tx: DbTransaction): Promise<void> {
    await tx.$executeRawUnsafe(LOCK_SAMPLES_FOR_WRITE_SQL);
    await tx.$queryRawUnsafe(START_STEP_SQL, [...new Set(serverIds)].sort());
  }

  /** Deletes and returns the blocks of these (server, minute) pairs that have one. */
  takeBlocks(pairs: ServerBucket[], tx: DbTransaction): Promise<{ serverId: string; data: Uint8Array }[]> {
    return tx.$queryRawUnsafe(TAKE_BLOCKS_SQL, ...pairColumns(pairs));
  }

  /** Deletes and returns the raw samples of these (server, minute) pairs. */
  takeSamples(pairs: ServerBucket[], tx: DbTransaction): Promise<TakenSample[]> {
    return tx.$queryRawUnsafe(TAKE_SAMPLES_SQL, ...pairColumns(pairs));
  }

  /** Puts samples back as raw rows: `rows` as `sampleRowsSql` reads them (one JSON text). */
  async restoreSamples(rows: string, tx: DbTransaction): Promise<void> {
    await tx.$executeRawUnsafe(RESTORE_SAMPLES_SQL, rows);
  }

  async putBlocks(blocks: BlockRow[], version: number, tx: DbTransaction): Promise<void> {
    if (blocks.length === 0) return;
    let offset = 1;
    const rows = blocks.map((b) => {
      const row = { s: b.serverId, m: new Date(b.minute).toISOString(), n: b.samples, o: offset, l: b.data.length };
      offset += b.data.length;
      return row;
    });
    await tx.$executeRawUnsafe(PUT_BLOCKS_SQL, JSON.stringify(rows), Buffer.concat(blocks.map((b) => b.data)), version);
  }

  /** The blocks of a server overlapping [from, to), oldest first (straight to the driver: a day is 1,440 rows). */
  blocksOf(serverId: string, from: Date, to: Date): Promise<{ minute: number; data: Uint8Array }[]> {
    return this.prisma.queryDirect(BLOCKS_OF_SERVER_SQL, [serverId, from.toISOString(), to.toISOString()]);
  }

  /** The blocks of many servers overlapping [from, to). */
  blocksOfServers(serverIds: string[], from: Date, to: Date): Promise<{ serverId: string; minute: number; data: Uint8Array }[]> {
    return this.prisma.queryDirect(BLOCKS_OF_SERVERS_SQL, [serverIds, from.toISOString(), to.toISOString()]);
  }

  /** The (server, minute) pairs in [from, to) with raw samples or a block, of one server or all. */
  minutesIn(from: Date, to: Date, serverId?: string): Promise<ServerMinute[]> {
    return this.prisma.$queryRawUnsafe(MINUTES_IN_RANGE_SQL, from.toISOString(), to.toISOString(), serverId ?? null);
  }

  /** Up to `limit` (server, minute) pairs of raw samples taken before `before`. */
  rawMinutesBefore(before: Date, limit: number): Promise<ServerMinute[]> {
    return this.prisma.$queryRawUnsafe(RAW_MINUTES_BEFORE_SQL, before.toISOString(), limit);
  }

  /** At most `limit` blocks of minutes before `before`; returns how many went. */
  deleteBlocksBefore(before: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(DELETE_BLOCKS_BEFORE_SQL, before.toISOString(), limit);
  }
}

function pairColumns(pairs: ServerBucket[]): [string[], string[]] {
  return [pairs.map((p) => p.serverId), pairs.map((p) => p.start.toISOString())];
}
