import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PrismaService } from '@pharos/database';
import { PharosConfig } from '../config/pharos-config';
import { bucketStart, rebuildRollupSql, type RebuildScope, ROLLUPS } from './metric-rollup-sql';

const [MINUTE, HOUR] = ROLLUPS;
const MINUTE_MS = MINUTE.seconds * 1000;
const HOUR_MS = HOUR.seconds * 1000;

/**
 * Samples this close to the present (either side) are rolled up after they commit; the rest
 * (back-filled history, a node with a wrong clock) fold into their rollups in the statement that
 * stores them. The bound makes recovery cheap: after a crash, only the rollups from a little
 * before the last flush on need rebuilding.
 */
export const DEFERRED_ROLLUP_WINDOW_MS = 10 * 60_000;
/** A minute is rolled up once it has been over this long, so samples still in flight are in. */
const SETTLE_MS = 5_000;
/** Slack for samples committed just before a flush but noted just after it. */
const RECOVERY_MARGIN_MS = 60_000;

const REBUILD = {
  minute: (scope: RebuildScope) => rebuildRollupSql(MINUTE, 'raw', scope),
  hour: (scope: RebuildScope) => rebuildRollupSql(HOUR, '1m', scope),
};
const SQL = {
  minutePairs: REBUILD.minute('pairs'),
  hourPairs: REBUILD.hour('pairs'),
  minuteRange: REBUILD.minute('range'),
  hourRange: REBUILD.hour('range'),
  minuteServer: REBUILD.minute('server'),
  hourServer: REBUILD.hour('server'),
};

/**
 * The minute and hour rollups of the metric history. A sample near the present is stored raw
 * only; once committed its minute is noted, and every few seconds the minutes that have ended
 * are recomputed from their raw samples, and their hours from the minutes, in one transaction.
 * That costs the ingest nothing per sample (upserting two rollup rows per sample was half of
 * what storing a report cost) and reads each sample about once. A history query first rolls
 * up what is pending for its server, so charts never lag.
 *
 * Crash safety: `MetricRollupState.pendingFrom` is kept at or before every sample that may not
 * be rolled up yet; a start after an unclean shutdown rebuilds the rollups from there.
 */
@Injectable()
export class MetricRollupsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MetricRollupsService.name);
  /** Minutes with samples not rolled up yet: minute start (ms) → servers. */
  private readonly pending = new Map<number, Set<string>>();
  private timer?: NodeJS.Timeout;
  /** Flushes and rebuilds run one at a time. */
  private running: Promise<unknown> = Promise.resolve();
  private recovering?: Promise<void>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: PharosConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const state = await this.prisma.metricRollupState.findUnique({ where: { id: 1 } });
    const now = Date.now();
    if (state && !state.cleanShutdown) {
      // Not awaited: a large fleet's last minutes take a while, and readiness must not wait.
      const from = state.pendingFrom;
      this.recovering = this.rebuild(from, new Date(now + DEFERRED_ROLLUP_WINDOW_MS))
        .then(() => this.logger.log(`rebuilt the metric rollups from ${from.toISOString()} after an unclean shutdown`))
        .catch((error: unknown) => this.logger.error({ err: error }, 'could not rebuild the metric rollups after an unclean shutdown'));
    }
    // From now on a crash leaves samples to roll up; the recovery above keeps its own start.
    const pendingFrom = new Date(Math.min(state && !state.cleanShutdown ? state.pendingFrom.getTime() : Infinity, now - DEFERRED_ROLLUP_WINDOW_MS - RECOVERY_MARGIN_MS));
    await this.saveState(pendingFrom, false);
    this.timer = setInterval(() => void this.flushLogged(), this.config.metricsRollupFlushSeconds * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.recovering;
    // Everything pending, ended or not: then nothing is left to recover.
    await this.flush({ all: true });
    await this.running.catch(() => undefined);
    if (this.pending.size === 0) await this.saveState(new Date(), true).catch(() => undefined);
  }

  /** Resolves once the rebuild after an unclean shutdown (if any) has run. */
  async whenRecovered(): Promise<void> {
    await this.recovering;
  }

  /** Whether a sample taken at `at` is rolled up after it commits (else in its own statement). */
  defers(at: number, now = Date.now()): boolean {
    return Math.abs(at - now) <= DEFERRED_ROLLUP_WINDOW_MS;
  }

  /**
   * Notes a committed sample (only once committed: a flush must find it in the raw table).
   * Samples just outside the deferral window, whose rollups were written with them, are noted
   * too: a flush racing their write on a shared minute might have overwritten their share.
   */
  committed(serverId: string, at: number, now = Date.now()): void {
    if (Math.abs(at - now) <= 2 * DEFERRED_ROLLUP_WINDOW_MS) this.note(serverId, bucketStart(at, MINUTE.seconds));
  }

  private note(serverId: string, minute: number): void {
    let servers = this.pending.get(minute);
    if (!servers) this.pending.set(minute, (servers = new Set()));
    servers.add(serverId);
  }

  /**
   * Rolls up the pending minutes that have ended (`all`: every pending minute; `serverId`:
   * only that server's, ended or not), then their hours. A minute rolled up before it ended
   * is rolled up again once it has.
   */
  flush(options: { all?: boolean; serverId?: string } = {}): Promise<void> {
    return this.serially(async () => {
      const now = Date.now();
      const pairs: { serverId: string; minute: number; keep: boolean }[] = [];
      for (const [minute, servers] of this.pending) {
        const ended = minute + MINUTE_MS + SETTLE_MS <= now;
        if (!ended && !options.all && !options.serverId) continue;
        for (const serverId of servers) {
          if (options.serverId && serverId !== options.serverId) continue;
          pairs.push({ serverId, minute, keep: !ended && !options.all });
        }
      }
      if (pairs.length === 0) return;
      for (const { serverId, minute, keep } of pairs) {
        if (keep) continue;
        const servers = this.pending.get(minute)!;
        servers.delete(serverId);
        if (servers.size === 0) this.pending.delete(minute);
      }
      try {
        await this.rollUp(pairs);
      } catch (error) {
        for (const { serverId, minute } of pairs) this.note(serverId, minute);
        throw error;
      }
      if (!options.serverId) await this.saveState(this.recoveryStart(now), false);
    });
  }

  /**
   * Recomputes the minute and hour rollups around [from, to) (of one server, if given) from the
   * raw samples, e.g. after samples were imported in bulk. Buckets without raw samples are left.
   */
  rebuild(from: Date, to: Date, serverId?: string): Promise<void> {
    return this.serially(async () => {
      const minutes = [new Date(bucketStart(from.getTime(), MINUTE.seconds)), new Date(bucketStart(to.getTime() + MINUTE_MS - 1, MINUTE.seconds))];
      const hours = [new Date(bucketStart(from.getTime(), HOUR.seconds)), new Date(bucketStart(to.getTime() + HOUR_MS - 1, HOUR.seconds))];
      const range = (bounds: Date[]) => [...bounds.map((d) => d.toISOString()), ...(serverId ? [serverId] : [])];
      await this.prisma.$executeRawUnsafe(serverId ? SQL.minuteServer : SQL.minuteRange, ...range(minutes));
      await this.prisma.$executeRawUnsafe(serverId ? SQL.hourServer : SQL.hourRange, ...range(hours));
    });
  }

  /** The minute rollups of the given (server, minute) pairs from raw, then their hours from minutes. */
  private async rollUp(pairs: { serverId: string; minute: number }[]): Promise<void> {
    const hours = new Map<string, { serverId: string; hour: number }>();
    for (const { serverId, minute } of pairs) {
      const hour = bucketStart(minute, HOUR.seconds);
      hours.set(`${serverId} ${hour}`, { serverId, hour });
    }
    // Key order, so two writers of one row (a flush and an eager sample) never deadlock.
    const minutes = [...pairs].sort((a, b) => (a.serverId < b.serverId ? -1 : a.serverId > b.serverId ? 1 : a.minute - b.minute));
    const hourList = [...hours.values()].sort((a, b) => (a.serverId < b.serverId ? -1 : a.serverId > b.serverId ? 1 : a.hour - b.hour));
    await this.prisma.$transaction([
      this.prisma.$executeRawUnsafe(SQL.minutePairs, minutes.map((p) => p.serverId), minutes.map((p) => new Date(p.minute).toISOString())),
      this.prisma.$executeRawUnsafe(SQL.hourPairs, hourList.map((p) => p.serverId), hourList.map((p) => new Date(p.hour).toISOString())),
    ]);
  }

  /** At or before every sample that may not be rolled up once this flush has committed. */
  private recoveryStart(flushStarted: number): Date {
    let earliest = flushStarted - DEFERRED_ROLLUP_WINDOW_MS;
    for (const minute of this.pending.keys()) earliest = Math.min(earliest, minute);
    return new Date(earliest - RECOVERY_MARGIN_MS);
  }

  private async saveState(pendingFrom: Date, cleanShutdown: boolean): Promise<void> {
    await this.prisma.metricRollupState.upsert({
      where: { id: 1 },
      create: { id: 1, pendingFrom, cleanShutdown },
      update: { pendingFrom, cleanShutdown },
    });
  }

  private async flushLogged(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      // What was pending stays pending; the next flush tries again.
      this.logger.error({ err: error }, 'could not roll up the metric history');
    }
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.running.catch(() => undefined).then(work);
    this.running = run;
    return run;
  }
}
