import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type Provider, type Type } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { PharosConfig } from '../config/pharos-config';
import { JobLeases } from '../cluster/job-leases';
import type { PeriodicTask } from '../runtime/periodic-task';

const DAY_MS = 86_400_000;
const FIRST_PASS_DELAY_MS = 3000;

/**
 * Rows of one table that outlived their retention, deleted a batch at a time: each call is
 * one short statement over at most `limit` rows (by an index), so a purge never holds locks
 * or a transaction long enough to stall ingest. Its SQL is in the owning module's store.
 */
export interface RetentionPurge {
  /** What goes, for logs and results: "event log entries". */
  name: string;
  /** How long rows are kept, in days (its setting). */
  days: number;
  /** Deletes at most `limit` rows older than `cutoff`; returns how many went. */
  deleteBatch(cutoff: Date, limit: number): Promise<number>;
}

/** What one pass removed, by purge name. */
export type RetentionResult = Record<string, number>;

/** A pass of its own (the metric history drops whole day partitions and keeps them made ahead); says what it removed. */
export interface RetentionTask {
  name: string;
  run(now: Date): Promise<RetentionResult>;
}

/**
 * The one retention job: every table that grows with time contributes a purge (or a task)
 * when its module starts, and this runs them all after start-up and every
 * `RETENTION_INTERVAL_SECONDS`, in batches of `RETENTION_BATCH_ROWS` with
 * `RETENTION_BATCH_PAUSE_MS` between them. Passes never overlap.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionJob.name);
  private readonly purges: RetentionPurge[] = [];
  private readonly tasks: RetentionTask[] = [];
  private task?: PeriodicTask;
  private firstPass?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();
  private stopping = false;

  constructor(
    private readonly config: PharosConfig,
    private readonly jobs: JobLeases,
  ) {}

  /** A table's purge, run on every pass. */
  register(purge: RetentionPurge): void {
    this.purges.push(purge);
  }

  addTask(task: RetentionTask): void {
    this.tasks.push(task);
  }

  onApplicationBootstrap(): void {
    // 0: no passes of its own (a benchmark drives them with its own clock).
    if (this.config.retention.intervalSeconds === 0) return;
    // Later, not now: on the embedded database every query runs on this thread, and would
    // hold up listening.
    // In a cluster one instance runs the passes: the one holding the `retention` lease.
    this.firstPass = setTimeout(() => void (this.jobs.holds('retention') && this.runLogged()), FIRST_PASS_DELAY_MS);
    this.firstPass.unref();
    this.task = this.jobs.every('retention', this.config.retention.intervalSeconds * 1000, () => this.runLogged(), () => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.firstPass);
    await this.task?.stop();
    await this.running.catch(() => undefined);
  }

  /** One pass as of `now` (after any pass under way). */
  run(now = new Date()): Promise<RetentionResult> {
    const pass = this.running.catch(() => undefined).then(() => this.runOnce(now));
    this.running = pass;
    return pass;
  }

  private async runLogged(): Promise<void> {
    try {
      const result = await this.run();
      const removed = Object.entries(result).filter(([, n]) => n > 0);
      if (removed.length > 0) this.logger.log(`retention removed ${removed.map(([name, n]) => `${n} ${name}`).join(', ')}`);
    } catch (error) {
      // What stays is deleted on the next pass.
      this.logger.error({ err: error }, 'retention pass failed');
    }
  }

  private async runOnce(now: Date): Promise<RetentionResult> {
    const result: RetentionResult = {};
    for (const task of this.tasks) {
      try {
        Object.assign(result, await task.run(now));
      } catch (error) {
        this.logger.error({ err: error }, `retention of ${task.name} failed`);
      }
    }
    for (const purge of this.purges) {
      try {
        result[purge.name] = await this.purge(purge, new Date(now.getTime() - purge.days * DAY_MS));
      } catch (error) {
        this.logger.error({ err: error }, `retention of ${purge.name} failed`);
      }
    }
    return result;
  }

  /** Deletes a purge's rows older than `cutoff` in batches (for a task that has tables of its own). */
  async purge(purge: Pick<RetentionPurge, 'deleteBatch'>, cutoff: Date): Promise<number> {
    const { batchRows, batchPauseMs } = this.config.retention;
    let total = 0;
    for (;;) {
      const deleted = await purge.deleteBatch(cutoff, batchRows);
      total += deleted;
      if (deleted < batchRows || this.stopping) return total;
      await sleep(batchPauseMs);
    }
  }
}

/** What a module's store contributes: which purge, how long its setting keeps rows, and the store call that deletes a batch. */
export interface StorePurge<S> {
  name: string;
  days: (settings: PharosConfig['retention']) => number;
  deleteBatch: (store: S, cutoff: Date, limit: number) => Promise<number>;
}

/**
 * A provider that registers a store's purge with the retention job when its module starts:
 * `providers: [EventLogStore, retentionOf(EventLogStore, { name, days, deleteBatch })]`.
 */
export function retentionOf<S>(store: Type<S>, purge: StorePurge<S>): Provider {
  return {
    provide: `retention: ${purge.name}`,
    inject: [RetentionJob, PharosConfig, store],
    useFactory: (job: RetentionJob, config: PharosConfig, instance: S) => {
      job.register({ name: purge.name, days: purge.days(config.retention), deleteBatch: (cutoff, limit) => purge.deleteBatch(instance, cutoff, limit) });
      return purge.name;
    },
  };
}
