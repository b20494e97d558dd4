import { Injectable } from '@nestjs/common';
import { PrismaService } from '@pharos/database';

const PARTITION_NAME = /^MetricSample_p(\d{4})(\d{2})(\d{2})$/;
const DAY_MS = 86_400_000;

/** The day partition of the raw samples that holds `day` (a UTC midnight). */
export function partitionName(day: Date): string {
  return `MetricSample_p${day.toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/**
 * The metric history's storage over time: one partition of raw samples per UTC day (made
 * ahead, dropped whole), a default partition for days without one, and rollups trimmed by age.
 */
@Injectable()
export class PartitionStore {
  constructor(private readonly prisma: PrismaService) {}

  /** The day partitions of the raw samples, oldest first. */
  async dayPartitions(): Promise<{ name: string; day: Date }[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ name: string }[]>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = '"MetricSample"'::regclass`,
    );
    return rows
      .map(({ name }) => ({ name, match: PARTITION_NAME.exec(name) }))
      .filter((p): p is { name: string; match: RegExpExecArray } => p.match !== null)
      .map(({ name, match }) => ({ name, day: new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) }))
      .sort((a, b) => a.day.getTime() - b.day.getTime());
  }

  /**
   * Makes the partition of `day` (a UTC midnight), moving the samples of that day that waited
   * in the default partition into it. One transaction.
   *
   * Writes of samples wait for it (reads do not): the parent is locked, not only the default
   * partition. A write routes its rows by the partitions it saw when it locked the parent; one
   * routed to the default partition before the attach, and let in once it committed, failed
   * the default partition's new constraint ("violates partition constraint": a report refused,
   * or its batch split, for no fault of its own). Locked first, before anything else the
   * transaction locks, so it waits for the writes under way and every later one sees the new
   * partition. Days are made ahead, so the move is usually of nothing and the wait short.
   */
  async createDayPartition(day: Date): Promise<string> {
    const name = partitionName(day);
    const lower = day.toISOString();
    const upper = new Date(day.getTime() + DAY_MS).toISOString();
    await this.prisma.$transaction([
      // No sample may reach the default partition between the move and the attach, nor be
      // routed by the partitions before it.
      this.prisma.$executeRawUnsafe(`LOCK TABLE "MetricSample" IN EXCLUSIVE MODE`),
      this.prisma.$executeRawUnsafe(`CREATE TABLE "${name}" (LIKE "MetricSample" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMPRESSION)`),
      this.prisma.$executeRawUnsafe(
        `WITH moved AS (DELETE FROM "MetricSample_default" WHERE "at" >= '${lower}' AND "at" < '${upper}' RETURNING *)
         INSERT INTO "${name}" SELECT * FROM moved`,
      ),
      this.prisma.$executeRawUnsafe(`ALTER TABLE "MetricSample" ATTACH PARTITION "${name}" FOR VALUES FROM ('${lower}') TO ('${upper}')`),
    ]);
    return name;
  }

  async dropPartition(name: string): Promise<void> {
    if (!PARTITION_NAME.test(name)) throw new Error(`not a day partition of the samples: ${name}`);
    await this.prisma.$executeRawUnsafe(`DROP TABLE "${name}"`);
  }

  /** At most `limit` raw samples older than `before` that sit in the default partition; returns how many went. */
  deleteDefaultPartitionBefore(before: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(
      `DELETE FROM "MetricSample_default" WHERE ("serverId", "at") IN (
         SELECT "serverId", "at" FROM "MetricSample_default" WHERE "at" < $1::timestamptz LIMIT $2)`,
      before.toISOString(),
      limit,
    );
  }

  /** At most `limit` rollup rows of a table older than `before`, oldest first (by its index on "bucket"); returns how many went. */
  deleteRollupsBefore(table: 'MetricRollup1m' | 'MetricRollup1h', before: Date, limit: number): Promise<number> {
    return this.prisma.$executeRawUnsafe(
      `DELETE FROM "${table}" WHERE ("serverId", "bucket") IN (
         SELECT "serverId", "bucket" FROM "${table}" WHERE "bucket" < $1::timestamptz ORDER BY "bucket" LIMIT $2)`,
      before.toISOString(),
      limit,
    );
  }
}
