import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { PharosConfig } from '../../platform/config/pharos-config';
import { RetentionJob, type RetentionResult } from '../../platform/retention/retention-job';
import { MetricRollupsService } from './metric-rollups.service';
import { BlockStore } from './store/block-store';
import { PartitionStore, partitionName } from './store/partition-store';

const DAY_MS = 86_400_000;
/** Day partitions are made this many days ahead, so reports never wait for one. */
const DAYS_AHEAD = 3;
/**
 * And this many behind: samples of older days are late ones (back-filled history, a clock
 * behind), which the sweep compacts into blocks within the hour; they wait in the default
 * partition meanwhile. A partition per day of the whole retention would be 30 empty tables.
 */
const DAYS_BEHIND = 1;

export interface MaintenanceResult {
  created: string[];
  dropped: string[];
  /** Rows deleted from the default partition, the blocks and the rollups. */
  deleted: { raw: number; blocks: number; minute: number; hour: number };
  /** Raw samples left in ended minutes, compacted into their blocks. */
  swept: number;
}

/**
 * Keeps the metric history within its retention: raw samples live in one partition per UTC
 * day (made ahead of time, dropped whole when older than METRICS_RAW_RETENTION_DAYS), their
 * compacted blocks are deleted whole past the same age, the raw samples stored late are
 * compacted into their blocks (`MetricRollupsService.sweep`), and the minute and hour rollups
 * are trimmed by age in batches. A task of the retention job
 * (`platform/retention`), which runs it after start-up and every RETENTION_INTERVAL_SECONDS.
 */
@Injectable()
export class MetricRetentionService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(MetricRetentionService.name);
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: PartitionStore,
    private readonly blocks: BlockStore,
    private readonly rollups: MetricRollupsService,
    private readonly config: PharosConfig,
    private readonly job: RetentionJob,
  ) {}

  onModuleInit(): void {
    this.job.addTask({ name: 'metric history', run: (now) => this.maintainLogged(now) });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Today's partition before the first report; the other days (a fresh database makes a
    // dozen, ~0.5 s) with the retention job's first pass. Samples of a day without its
    // partition wait in the default partition and move into it when it is made.
    const now = new Date();
    await this.ensureDayPartitions(now, new Date(now.getTime() + 1)).catch((error: unknown) => this.logger.error({ err: error }, "could not make today's metric partition"));
  }

  private async maintainLogged(now: Date): Promise<RetentionResult> {
    const result = await this.maintain(now);
    if (result.created.length || result.dropped.length) {
      this.logger.log(`metric partitions: made ${result.created.length}, dropped ${result.dropped.length}`);
    }
    return {
      'raw samples outside day partitions': result.deleted.raw,
      'sample blocks': result.deleted.blocks,
      'late raw samples compacted': result.swept,
      'minute rollups': result.deleted.minute, 'hour rollups': result.deleted.hour };
  }

  /** One maintenance pass as of `now`; passes never overlap. */
  maintain(now = new Date()): Promise<MaintenanceResult> {
    const pass = this.running.catch(() => undefined).then(() => this.maintainOnce(now));
    this.running = pass;
    return pass;
  }

  private async maintainOnce(now: Date): Promise<MaintenanceResult> {
    const rawCutoff = new Date(now.getTime() - this.config.metricsRawRetentionDays * DAY_MS);
    const firstDay = new Date(Math.max(rawCutoff.getTime(), now.getTime() - DAYS_BEHIND * DAY_MS));
    const created = await this.ensureDayPartitions(firstDay, new Date(now.getTime() + DAYS_AHEAD * DAY_MS));
    const dropped: string[] = [];
    for (const { name, day } of await this.store.dayPartitions()) {
      if (day.getTime() + DAY_MS <= rawCutoff.getTime()) {
        await this.store.dropPartition(name);
        dropped.push(name);
      }
    }
    const raw = await this.job.purge({ deleteBatch: (cutoff, limit) => this.store.deleteDefaultPartitionBefore(cutoff, limit) }, rawCutoff);
    // Whole days, as the partitions of the raw samples go.
    const blocks = await this.job.purge({ deleteBatch: (cutoff, limit) => this.blocks.deleteBlocksBefore(cutoff, limit) }, new Date(startOfUtcDay(rawCutoff)));
    // Minutes that ended by the clock (not `now`, which may be a pass's simulated time).
    const swept = await this.rollups.sweep();
    const minuteCutoff = new Date(now.getTime() - this.config.metricsMinuteRetentionDays * DAY_MS);
    const minute = await this.job.purge({ deleteBatch: (cutoff, limit) => this.store.deleteRollupsBefore('MetricRollup1m', cutoff, limit) }, minuteCutoff);
    const hourCutoff = new Date(now.getTime() - this.config.metricsHourRetentionDays * DAY_MS);
    const hour = await this.job.purge({ deleteBatch: (cutoff, limit) => this.store.deleteRollupsBefore('MetricRollup1h', cutoff, limit) }, hourCutoff);
    return { created, dropped, deleted: { raw, blocks, minute, hour }, swept };
  }

  /**
   * Makes the day partitions covering [from, to) that do not exist yet (e.g. before importing
   * history). Samples of such a day already in the default partition move into it.
   */
  async ensureDayPartitions(from: Date, to: Date): Promise<string[]> {
    const existing = new Set((await this.store.dayPartitions()).map((p) => p.name));
    const created: string[] = [];
    for (let day = startOfUtcDay(from); day < to.getTime(); day += DAY_MS) {
      if (existing.has(partitionName(new Date(day)))) continue;
      created.push(await this.store.createDayPartition(new Date(day)));
    }
    return created;
  }

  /** The day partitions of the raw samples, oldest first. */
  dayPartitions(): Promise<{ name: string; day: Date }[]> {
    return this.store.dayPartitions();
  }
}

function startOfUtcDay(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS) * DAY_MS;
}

