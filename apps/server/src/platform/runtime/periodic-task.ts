/** A piece of work repeated on a timer; `stop` ends it and waits for the run under way. */
export interface PeriodicTask {
  stop(): Promise<void>;
}

export interface PeriodicOptions {
  /** Asked at each tick: the tick is skipped while it says no (e.g. another instance holds the job). */
  onlyWhen?: () => boolean;
}

/**
 * Runs `work` every `intervalMs` (the timer does not keep the process alive), skipping a tick
 * while the previous run is still going, so runs never overlap; a failed run is handed to
 * `onError` and the next tick tries again. Jobs that must run once across a cluster start
 * through `JobLeases.every` (platform/cluster), which passes `onlyWhen`.
 */
export function startPeriodic(intervalMs: number, work: () => Promise<unknown>, onError: (error: unknown) => void, options: PeriodicOptions = {}): PeriodicTask {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running || (options.onlyWhen && !options.onlyWhen())) return;
    running = work()
      .catch(onError)
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
