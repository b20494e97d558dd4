/**
 * The arithmetic of the dashboard's charts, apart from drawing (and tested apart: series.spec.ts):
 * where a line breaks, how a sparkline is scaled.
 */

/**
 * Two neighbouring points are joined when they are at most this many report intervals (or
 * steps of the history, whichever is longer) apart: a report that went missing is bridged,
 * two in a row are a gap.
 */
export const GAP_FACTOR = 2.5;

/** The longest distance, in ms, a line bridges for a series reported every `intervalSeconds` and averaged into `stepSeconds`. */
export function maxJoinMs(intervalSeconds: number, stepSeconds = 0): number {
  return GAP_FACTOR * Math.max(intervalSeconds, stepSeconds, 1) * 1000;
}

/**
 * A chart's columns as uPlot draws them: a value, `null` where the line breaks, or `undefined`
 * where a point has no value of this series but the line goes on to the next one that has.
 */
export type ChartValue = number | null | undefined;

export interface Aligned {
  timestamps: number[];
  columns: ChartValue[][];
}

/**
 * The points ready to draw, lines breaking by time alone: a row of nulls goes between any
 * two neighbouring points further apart than `maxJoin` ms; and within each series, a point
 * without its value (an agent's first rate after a reconnect) is passed over (`undefined`)
 * unless the values on either side of it are themselves too far apart, where the line breaks.
 * The input is sorted by time; it is not changed.
 */
export function withGaps({ timestamps, columns }: { timestamps: number[]; columns: (number | null)[][] }, maxJoin: number): Aligned {
  const outTimes: number[] = [];
  const rows: number[] = [];
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    const previous = timestamps[i - 1];
    if (previous !== undefined && t - previous > maxJoin) {
      outTimes.push(previous + 1);
      rows.push(-1);
    }
    outTimes.push(t);
    rows.push(i);
  }
  const outColumns = columns.map((column) => {
    const out: ChartValue[] = rows.map((i) => (i < 0 ? null : (column[i] ?? undefined)));
    let last = -1;
    for (let r = 0; r < out.length; r++) {
      if (out[r] === null) last = -1;
      if (out[r] == null) continue;
      // The previous value of this series is too long ago: break the line just after it.
      if (last >= 0 && outTimes[r]! - outTimes[last]! > maxJoin && r - last > 1) out[last + 1] = null;
      last = r;
    }
    return out;
  });
  return { timestamps: outTimes, columns: outColumns };
}

/**
 * Where an isolated point is (a value with no value it is joined to on either side): a line
 * cannot be drawn through it, so the chart draws it as a dot rather than not at all.
 */
export function isolatedPoints(values: readonly ChartValue[]): number[] {
  const found: number[] = [];
  const joined = (from: number, step: number) => {
    for (let i = from + step; i >= 0 && i < values.length; i += step) {
      if (values[i] === null) return false;
      if (values[i] !== undefined) return true;
    }
    return false;
  };
  for (let i = 0; i < values.length; i++) {
    if (values[i] == null) continue;
    if (!joined(i, -1) && !joined(i, 1)) found.push(i);
  }
  return found;
}

/**
 * The top of a sparkline's scale: the largest value, unless one value towers over all the
 * rest (a counter's first rate after a restart, a single burst), which would flatten the line
 * into the floor; then three times the second largest, the outlier drawn clipped at the top.
 * Never below `floor`, so that a quiet series reads as quiet, not as full-height noise.
 */
export function sparklineTop(values: readonly (number | null)[], floor: number): number {
  let first = -Infinity;
  let second = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v > first) {
      second = first;
      first = v;
    } else if (v > second) second = v;
  }
  if (first === -Infinity) return floor;
  const top = second > 0 && first > 3 * second ? 3 * second : first;
  return Math.max(floor, top * 1.1);
}

/**
 * The top of a percentage sparkline: 100 when it comes near, else the smallest of 25 or 50
 * above its values — a server at 3 % CPU shows a line a quarter of the way up a 25 % scale
 * rather than a hairline at the bottom of 100 %.
 */
export function percentTop(values: readonly (number | null)[]): number {
  // Bounded already: nothing clips, a spike shows at its height.
  let top = 0;
  for (const v of values) if (v !== null && Number.isFinite(v)) top = Math.max(top, v);
  return top <= 22 ? 25 : top <= 45 ? 50 : 100;
}
