import { slicesOf } from './list-slices';

describe('slicesOf', () => {
  it('reads a page that spans parts as a slice of each', () => {
    expect(slicesOf([3, 0, 5, 100], 0, 4)).toEqual([
      { part: 0, offset: 0, limit: 3 },
      { part: 2, offset: 0, limit: 1 },
    ]);
    expect(slicesOf([3, 0, 5, 100], 6, 100)).toEqual([
      { part: 2, offset: 3, limit: 2 },
      { part: 3, offset: 0, limit: 98 },
    ]);
  });

  it('reads deep pages from the last part alone, and nothing past the end', () => {
    expect(slicesOf([30, 2, 100, 9868], 9900, 100)).toEqual([{ part: 3, offset: 9768, limit: 100 }]);
    expect(slicesOf([1, 2], 3, 10)).toEqual([]);
    expect(slicesOf([1, 2], 2, 10)).toEqual([{ part: 1, offset: 1, limit: 1 }]);
  });
});
