/**
 * The wait before reconnection attempt `attempt` (0 = first): exponential from `minMs`,
 * capped at `maxMs`, then shortened by up to 20 % at random so consoles dropped together
 * (one daemon restarting) do not all come back in the same instant.
 */
export function reconnectDelayMs(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.max(1, Math.round(exponential * (1 - 0.2 * random())));
}
