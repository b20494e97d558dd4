/** A piece of work repeated on a timer; `stop` ends it and waits for the run under way. */
export interface PeriodicTask {
  stop(): Promise<void>;
}

/**
 * Runs `work` every `intervalMs` (the timer does not keep the process alive), skipping a tick
 * while the previous run is still going, so runs never overlap; a failed run is handed to
 * `onError` and the next tick tries again.
 */
export function startPeriodic(intervalMs: number, work: () => Promise<unknown>, onError: (error: unknown) => void): PeriodicTask {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
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
