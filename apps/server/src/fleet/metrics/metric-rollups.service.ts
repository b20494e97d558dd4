import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PharosConfig } from '../../platform/config/pharos-config';
import { PrometheusMetrics } from '../../platform/prometheus/prometheus-metrics';
import { MetricCompaction } from './blocks/metric-compaction';
import { BlockStore } from './store/block-store';
import { bucketStart, ROLLUPS } from './store/rollup-sql';
import { RollupStore } from './store/rollup-store';

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
/** Samples rolled up per step (transaction) of a flush, about. */
const STEP_SAMPLES = 5_000;
/** Raw samples of minutes that ended this long ago are late ones (or a flush's leftovers): the sweep compacts them. */
export const SWEEP_AFTER_MS = 2 * DEFERRED_ROLLUP_WINDOW_MS;
/** (server, minute) pairs a sweep takes per round. */
const SWEEP_PAIRS = 2_000;

interface PendingMinute {
  serverId: string;
  minute: number;
  /** Samples noted for it (a hint for sizing steps: repeats and late ones count too). */
  samples: number;
}

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
  /** Minutes with samples not rolled up yet: minute start (ms) → server → samples noted. */
  private readonly pending = new Map<number, Map<string, number>>();
  /** Minutes a running flush has taken and not yet written, by server. */
  private readonly inFlight = new Map<string, PendingMinute[]>();
  private timer?: NodeJS.Timeout;
  /** Flushes and rebuilds run one at a time. */
  private running: Promise<unknown> = Promise.resolve();
  private recovering?: Promise<void>;
  /** The recovery point last saved (ms). */
  private savedFrom = 0;
  /** The last flush before shutting down has run; `reopened`: a sample came after it. */
  private closed = false;
  private reopened = false;
  /** Where an unfinished recovery starts (ms): saved recovery points never pass it. */
  private unrecoveredFrom = Infinity;

  constructor(
    private readonly store: RollupStore,
    private readonly blocks: BlockStore,
    private readonly compaction: MetricCompaction,
    private readonly config: PharosConfig,
    prometheus: PrometheusMetrics,
  ) {
    prometheus.gauge('pharos_rollup_pending_minutes', 'Server-minutes of samples not rolled up yet (taken by a running flush included)', [], () => [[{}, this.backlog().serverMinutes]]);
    prometheus.gauge('pharos_rollup_oldest_pending_seconds', 'Age of the oldest minute not rolled up yet (0 when none)', [], () => {
      const { oldestMinute } = this.backlog();
      return [[{}, oldestMinute === null ? 0 : Math.max(0, (Date.now() - oldestMinute) / 1000)]];
    });
  }

  /** What waits to be rolled up: server-minutes, and the oldest minute's start (ms) or null. */
  backlog(): { serverMinutes: number; oldestMinute: number | null } {
    let serverMinutes = 0;
    let oldest = Infinity;
    for (const [minute, servers] of this.pending) {
      serverMinutes += servers.size;
      oldest = Math.min(oldest, minute);
    }
    for (const pairs of this.inFlight.values()) {
      serverMinutes += pairs.length;
      for (const { minute } of pairs) oldest = Math.min(oldest, minute);
    }
    return { serverMinutes, oldestMinute: oldest === Infinity ? null : oldest };
  }

  async onApplicationBootstrap(): Promise<void> {
    const state = await this.store.state();
    const now = Date.now();
    if (state && !state.cleanShutdown) {
      // Not awaited: a large fleet's last minutes take a while, and readiness must not wait.
      const from = state.pendingFrom;
      this.unrecoveredFrom = from.getTime();
      this.recovering = this.rebuild(from, new Date(now + DEFERRED_ROLLUP_WINDOW_MS))
        .then(() => {
          this.unrecoveredFrom = Infinity;
          this.logger.log(`rebuilt the metric rollups from ${from.toISOString()} after an unclean shutdown`);
        })
        // The recovery point stays where it was: the next start tries again.
        .catch((error: unknown) => this.logger.error({ err: error }, 'could not rebuild the metric rollups after an unclean shutdown'));
    }
    // From now on a crash leaves samples to roll up.
    await this.saveState(this.recoveryStart(now), false);
    this.timer = setInterval(() => void this.flushLogged(), this.config.metricsRollupFlushSeconds * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.recovering;
    // Everything pending, ended or not: then nothing is left to recover.
    const flushed = await this.flush({ all: true }).then(
      () => true,
      (error: unknown) => {
        this.logger.error({ err: error }, 'could not roll up the metric history before shutting down');
        return false;
      },
    );
    this.closed = true;
    if (flushed && this.pending.size === 0 && this.unrecoveredFrom === Infinity) {
      // Samples may still commit until the database closes (agent sockets close last): a
      // note after this point marks the state unclean again (`committed`).
      await this.saveState(this.recoveryStart(Date.now()), true).catch(() => undefined);
    }
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
   * Samples outside the deferral window, whose rollups were written with them, are noted too
   * while a flush may still rebuild their minute or hour: one racing their write on a shared
   * row might have overwritten their share.
   */
  committed(serverId: string, at: number, now = Date.now()): void {
    if (Math.abs(at - now) <= 2 * DEFERRED_ROLLUP_WINDOW_MS + HOUR_MS) this.note(serverId, bucketStart(at, MINUTE.seconds));
    // Committed after the last flush before shutting down: the next start must rebuild it.
    if (this.closed && !this.reopened) {
      this.reopened = true;
      void this.saveState(this.recoveryStart(now), false).catch(() => undefined);
    }
  }

  private note(serverId: string, minute: number, samples = 1): void {
    let servers = this.pending.get(minute);
    if (!servers) this.pending.set(minute, (servers = new Map()));
    servers.set(serverId, (servers.get(serverId) ?? 0) + samples);
  }

  /**
   * Rolls up the pending minutes that have ended (`all`: every pending minute; `serverId`:
   * only that server's, ended or not), then their hours. A minute rolled up before it ended
   * is rolled up again once it has.
   */
  flush(options: { all?: boolean; serverId?: string; paced?: boolean } = {}): Promise<void> {
    if (options.serverId) return this.flushServer(options.serverId);
    return this.serially(async () => {
      const now = Date.now();
      const pairs: PendingMinute[] = [];
      for (const [minute, servers] of this.pending) {
        if (!options.all && minute + MINUTE_MS + SETTLE_MS > now) continue;
        for (const [serverId, samples] of servers) pairs.push({ serverId, minute, samples });
        this.pending.delete(minute);
      }
      if (pairs.length === 0) {
        // Nothing to roll up: still move the recovery point on now and then (an idle fleet).
        if (now - this.savedFrom > 2 * RECOVERY_MARGIN_MS + DEFERRED_ROLLUP_WINDOW_MS) await this.saveState(this.recoveryStart(now), false);
        return;
      }
      for (const pair of pairs) this.inFlight.set(pair.serverId, [...(this.inFlight.get(pair.serverId) ?? []), pair]);
      try {
        await this.rollUp(pairs, options.paced ?? false);
      } catch (error) {
        for (const { serverId, minute, samples } of pairs) this.note(serverId, minute, samples);
        throw error;
      } finally {
        for (const pair of pairs) this.inFlight.delete(pair.serverId);
      }
      await this.saveState(this.recoveryStart(now), false);
    });
  }

  /**
   * Rolls up one server's pending minutes, ended or not, now (for a chart): not queued behind a
   * running flush, whose steps may take a while on a large fleet; the minutes of this server
   * that flush has taken and not yet written are rolled up here too (rebuilding a row twice
   * from the raw samples gives the same row). Minutes not yet ended stay pending.
   */
  private async flushServer(serverId: string): Promise<void> {
    const now = Date.now();
    const byMinute = new Map<number, PendingMinute>();
    for (const pair of this.inFlight.get(serverId) ?? []) byMinute.set(pair.minute, pair);
    // Ended minutes are taken from pending (and put back if this fails); the others stay.
    const taken: PendingMinute[] = [];
    for (const [minute, servers] of this.pending) {
      const samples = servers.get(serverId);
      if (samples === undefined) continue;
      const pair = { serverId, minute, samples };
      byMinute.set(minute, pair);
      if (minute + MINUTE_MS + SETTLE_MS > now) continue;
      taken.push(pair);
      servers.delete(serverId);
      if (servers.size === 0) this.pending.delete(minute);
    }
    if (byMinute.size === 0) return;
    try {
      await this.rollUp([...byMinute.values()], false);
    } catch (error) {
      for (const { minute, samples } of taken) this.note(serverId, minute, samples);
      throw error;
    }
  }

  /**
   * Recomputes the minute and hour rollups around [from, to) (of one server, if given) from the
   * raw samples and blocks, e.g. after samples were imported in bulk; the minutes that ended
   * are compacted. Buckets without samples are left.
   */
  rebuild(from: Date, to: Date, serverId?: string): Promise<void> {
    return this.serially(async () => {
      const start = new Date(bucketStart(from.getTime(), MINUTE.seconds));
      const end = new Date(bucketStart(to.getTime() + MINUTE_MS - 1, MINUTE.seconds));
      const pairs = await this.blocks.minutesIn(start, end, serverId);
      await this.rollUp(pairs, false);
    });
  }

  /**
   * Compacts the raw samples left in minutes that ended over `SWEEP_AFTER_MS` before `now`
   * (samples stored late, or after the last flush before a restart), merging each minute's
   * samples into its block, with its rollups recomputed; returns how many samples. A task of
   * the retention job.
   */
  async sweep(now = new Date()): Promise<number> {
    const before = new Date(bucketStart(now.getTime() - SWEEP_AFTER_MS, MINUTE.seconds));
    let swept = 0;
    // Round by round, each its own turn: the flushes of the live minutes go in between (a
    // backlog, such as the raw days of a version without blocks, takes a while).
    for (;;) {
      const round = await this.serially(async () => {
        const pairs = await this.blocks.rawMinutesBefore(before, SWEEP_PAIRS);
        await this.rollUp(pairs, true, before.getTime());
        return pairs;
      });
      swept += round.reduce((n, p) => n + p.samples, 0);
      if (round.length < SWEEP_PAIRS) return swept;
    }
  }

  /**
   * The minute rollups of the given (server, minute) pairs from raw, then their hours from
   * minutes: in steps of about STEP_SAMPLES samples, each its own transaction. `paced`: after
   * each step, a pause as long as the step took, so a large fleet's minute is rolled up beside
   * the ingest rather than in one burst that holds a core of a small machine for seconds.
   *
   * In the same transaction the minutes that had a block already are restored first (raw rows,
   * which the rollup statements read), and every minute that ended (+ SETTLE_MS) before
   * `endedBy` is compacted into one block per server.
   */
  private async rollUp(pairs: PendingMinute[], paced: boolean, endedBy = Date.now() - MINUTE_MS - SETTLE_MS): Promise<void> {
    if (pairs.length === 0) return;
    // Key order, so two writers of one row (a flush and an eager sample) never deadlock.
    const sorted = [...pairs].sort((a, b) => (a.serverId < b.serverId ? -1 : a.serverId > b.serverId ? 1 : a.minute - b.minute));
    const steps: PendingMinute[][] = [[]];
    let inStep = 0;
    for (const pair of sorted) {
      const step = steps[steps.length - 1]!;
      // A server's hour stays in one step, so it is rebuilt once, from all its minutes.
      const last = step[step.length - 1];
      if (inStep >= STEP_SAMPLES && last && (last.serverId !== pair.serverId || bucketStart(last.minute, HOUR.seconds) !== bucketStart(pair.minute, HOUR.seconds))) {
        steps.push([pair]);
        inStep = pair.samples;
      } else {
        step.push(pair);
        inStep += pair.samples;
      }
    }
    for (const [i, step] of steps.entries()) {
      const started = performance.now();
      const hours = new Map<string, { serverId: string; start: Date }>();
      for (const { serverId, minute } of step) {
        const hour = bucketStart(minute, HOUR.seconds);
        hours.set(`${serverId} ${hour}`, { serverId, start: new Date(hour) });
      }
      const minutes = step.map((p) => ({ serverId: p.serverId, start: new Date(p.minute) }));
      await this.blocks.transaction(async (tx) => {
        await this.compaction.startStep(minutes.map((m) => m.serverId), tx);
        await this.compaction.restore(minutes, tx);
        await this.store.rebuildPairs(minutes, [...hours.values()], tx);
        await this.compaction.compact(minutes.filter((m) => m.start.getTime() <= endedBy), tx);
      });
      if (paced && i < steps.length - 1) await new Promise((resolve) => setTimeout(resolve, performance.now() - started));
    }
  }

  /** At or before every sample that may not be rolled up once this flush has committed. */
  private recoveryStart(flushStarted: number): Date {
    let earliest = flushStarted - DEFERRED_ROLLUP_WINDOW_MS;
    for (const minute of this.pending.keys()) earliest = Math.min(earliest, minute);
    for (const pairs of this.inFlight.values()) for (const { minute } of pairs) earliest = Math.min(earliest, minute);
    return new Date(Math.min(earliest - RECOVERY_MARGIN_MS, this.unrecoveredFrom));
  }

  private async saveState(pendingFrom: Date, cleanShutdown: boolean): Promise<void> {
    await this.store.saveState(pendingFrom, cleanShutdown);
    this.savedFrom = pendingFrom.getTime();
  }

  private async flushLogged(): Promise<void> {
    try {
      await this.flush({ paced: true });
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
