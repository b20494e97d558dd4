/** Where a page of a list falls in the list's consecutive parts. */
export interface Slice {
  /** Which part (its index in the parts' order). */
  part: number;
  offset: number;
  limit: number;
}

/**
 * The slices of consecutive parts (of these sizes, in this order) that rows [offset, offset +
 * limit) of their concatenation span: a page of a list ordered part by part is read as pages
 * of the parts, each in its own order, without sorting the whole list.
 */
export function slicesOf(sizes: number[], offset: number, limit: number): Slice[] {
  const slices: Slice[] = [];
  let start = 0;
  let wanted = limit;
  sizes.forEach((size, part) => {
    const from = Math.max(0, offset - start);
    if (wanted > 0 && from < size) {
      const take = Math.min(size - from, wanted);
      slices.push({ part, offset: from, limit: take });
      wanted -= take;
    }
    start += size;
  });
  return slices;
}
