const DAY_MS = 86_400_000;

/**
 * UTC midnight `days` ago. Tests that store history at a fixed date break once that date falls
 * out of the retention the maintenance pass enforces beside them; this stays inside it.
 */
export function utcMidnightDaysAgo(days: number, now = Date.now()): Date {
  return new Date(Math.floor(now / DAY_MS) * DAY_MS - days * DAY_MS);
}
