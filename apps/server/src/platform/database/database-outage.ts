import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PrismaService } from '@pharos/database';
import { PharosConfig } from '../config/pharos-config';

/** While an outage lasts, how often the database is asked whether it is back. */
const PROBE_INTERVAL_MS = 1000;

/**
 * Keeps an outage of the database out of the log's way: while the database cannot be reached
 * (or does not answer in time), every request that must store something is refused with a
 * 503, and each such refusal is only counted here. The log gets one line when the outage
 * starts, one every `DATABASE_OUTAGE_LOG_SECONDS` while it lasts ("unreachable since …, N
 * requests refused"), and one when the database answers again, found by a trivial query once a
 * second; an outage starting again within one interval of the last line is not announced
 * again (its refusals show in the next periodic line).
 */
@Injectable()
export class DatabaseOutage implements OnModuleDestroy {
  private readonly logger = new Logger('Database');
  private since: Date | null = null;
  private refusedTotal = 0;
  private refusedSinceLine = 0;
  private lastLineAt = 0;
  /** Whether the current outage's start was logged (its end is logged only then). */
  private announced = false;
  private summaryTimer?: NodeJS.Timeout;
  private probeTimer?: NodeJS.Timeout;
  private probing = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: PharosConfig,
  ) {}

  /** When the current outage started, or null when there is none. */
  get unavailableSince(): Date | null {
    return this.since;
  }

  /** Counts `count` requests refused (503) because the database is unavailable; `error` says why. */
  refused(error: unknown, count = 1): void {
    if (!this.since) this.refusedTotal = 0;
    this.refusedTotal += count;
    this.refusedSinceLine += count;
    if (this.since) return;
    this.since = new Date();
    const intervalMs = this.config.databaseOutageLogSeconds * 1000;
    this.announced = Date.now() - this.lastLineAt >= intervalMs;
    if (this.announced) {
      this.line('error', `database unreachable: ${reasonOf(error)}; requests that must store data are answered 503 until it answers again`);
    }
    this.summaryTimer = setInterval(() => this.summarize(), intervalMs);
    this.summaryTimer.unref();
    this.probeTimer = setInterval(() => void this.probe(), PROBE_INTERVAL_MS);
    this.probeTimer.unref();
  }

  onModuleDestroy(): void {
    this.stopTimers();
  }

  private summarize(): void {
    if (!this.since || this.refusedSinceLine === 0) return;
    this.line('warn', `database unreachable since ${this.since.toISOString()}, ${this.refusedTotal} requests refused (${this.refusedSinceLine} in the last ${this.config.databaseOutageLogSeconds} s)`);
  }

  private async probe(): Promise<void> {
    if (this.probing || !this.since) return;
    this.probing = true;
    try {
      if (!(await this.prisma.isReachable(this.config.readyTimeoutMs)) || !this.since) return;
      const seconds = Math.round((Date.now() - this.since.getTime()) / 100) / 10;
      // An outage not announced (soon after another line, e.g. a pool saturated for a moment) ends
      // quietly too; its refusals are counted in the next line logged.
      if (this.announced) this.line('log', `database reachable again after ${seconds} s of outage, ${this.refusedTotal} requests refused meanwhile`);
      this.since = null;
      this.stopTimers();
    } finally {
      this.probing = false;
    }
  }

  private line(level: 'error' | 'warn' | 'log', message: string): void {
    this.logger[level](message);
    this.lastLineAt = Date.now();
    this.refusedSinceLine = 0;
  }

  private stopTimers(): void {
    clearInterval(this.summaryTimer);
    clearInterval(this.probeTimer);
  }
}

/** A one-line reason for the log: the last line of the error's message (Prisma's end with the driver's). */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').filter((line) => line.trim() !== '').pop()?.trim().slice(0, 300) ?? 'unknown error';
}
