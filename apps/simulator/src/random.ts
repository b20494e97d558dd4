/**
 * Deterministic-enough randomness for a simulated fleet: a seeded PRNG per member (so one
 * machine's figures wander smoothly and two runs with the same seed look alike) and the
 * shapes host metrics have: a bounded random walk with a daily swing.
 */

/** mulberry32: small, fast, good enough for simulated telemetry. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable number from a string (the member's name), to seed its PRNG. */
export function hashSeed(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * A value that wanders between `min` and `max`: each step moves it by up to `step`, pulled
 * towards a centre that swings over the day (busy afternoons, quiet nights).
 */
export class Walk {
  private value: number;

  constructor(
    private readonly random: () => number,
    private readonly min: number,
    private readonly max: number,
    private readonly step: number,
    private readonly dailySwing = 0,
  ) {
    this.value = min + (max - min) * (0.3 + 0.4 * random());
  }

  next(now = Date.now()): number {
    const span = this.max - this.min;
    const phase = ((now / 86_400_000) % 1) * 2 * Math.PI;
    const centre = this.min + span / 2 + (this.dailySwing * span * Math.sin(phase - Math.PI / 2)) / 2;
    const pull = (centre - this.value) * 0.05;
    this.value += pull + (this.random() * 2 - 1) * this.step;
    this.value = Math.min(this.max, Math.max(this.min, this.value));
    return this.value;
  }
}

/** Rounds to `digits` decimals, as real agents print figures. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** `delay ± jitter` (a fraction), so a fleet's members do not all fire in the same tick. */
export function jittered(delayMs: number, random: () => number, jitter = 0.1): number {
  return Math.max(0, delayMs * (1 + (random() * 2 - 1) * jitter));
}

export function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}
