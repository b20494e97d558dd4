/**
 * Polls `check` until it returns without throwing (its value is returned) or `timeoutMs`
 * passes (its last error is thrown). For effects that land asynchronously: a status written
 * after a socket closed, an event recorded after an answer was stored.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
