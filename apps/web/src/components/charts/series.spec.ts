/// <reference types="jest" />
import { isolatedPoints, maxJoinMs, percentTop, sparklineTop, withGaps } from './series';

describe('chart gaps', () => {
  it('joins samples a report interval apart, and a single missed report, but breaks at two', () => {
    // An agent every 5 s, averaged into 1 s steps (the last ten minutes): 12.5 s bridged.
    const join = maxJoinMs(5, 1);
    expect(join).toBe(12_500);
    const timestamps = [0, 5_000, 10_000, 20_000, 35_000, 40_000];
    const { timestamps: t, columns } = withGaps({ timestamps, columns: [[1, 2, 3, 4, 5, 6]] }, join);
    expect(t).toEqual([0, 5_000, 10_000, 20_000, 20_001, 35_000, 40_000]);
    expect(columns[0]).toEqual([1, 2, 3, 4, null, 5, 6]);
  });

  it('passes over a sample without the value, unless its neighbours are too far apart', () => {
    // Samples every 5 s; the network rate is missing from one (a reconnect), then from four.
    const timestamps = [0, 5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000];
    const rate = [1, null, 3, 4, null, null, null, null, 9];
    const { columns } = withGaps({ timestamps, columns: [rate] }, maxJoinMs(5));
    expect(columns[0]).toEqual([1, undefined, 3, 4, null, undefined, undefined, undefined, 9]);
    expect(isolatedPoints(columns[0]!)).toEqual([8]);
  });

  it('measures by the history step when it is longer than the interval', () => {
    expect(maxJoinMs(3, 60)).toBe(150_000);
    expect(maxJoinMs(5)).toBe(12_500);
  });

  it('finds the points no line can reach', () => {
    expect(isolatedPoints([null, 1, null, 2, 3, null, 4])).toEqual([1, 6]);
    expect(isolatedPoints([1, undefined, 2, null, 3, undefined])).toEqual([4]);
    expect(isolatedPoints([5])).toEqual([0]);
    expect(isolatedPoints([])).toEqual([]);
  });
});

describe('sparkline scales', () => {
  it('lets one spike clip instead of flattening the line', () => {
    const network = [9e8, 1000, 1200, 900, 1100, null, 1000];
    expect(sparklineTop(network, 1)).toBeCloseTo(3 * 1200 * 1.1, 6);
    // A burst that the rest of the line comes close to is not an outlier.
    expect(sparklineTop([100, 80, 90], 1)).toBeCloseTo(110, 6);
  });

  it('keeps quiet series quiet and empty ones at their floor', () => {
    expect(sparklineTop([0, 0, 0], 1024)).toBe(1024);
    expect(sparklineTop([null, null], 1024)).toBe(1024);
  });

  it('scales percentages to 25, 50 or 100', () => {
    expect(percentTop([2, 3, 4])).toBe(25);
    expect(percentTop([30, 41])).toBe(50);
    expect(percentTop([10, 88])).toBe(100);
    expect(percentTop([null])).toBe(25);
  });
});
