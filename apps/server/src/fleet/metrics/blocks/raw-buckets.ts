/**
 * Raw samples averaged into equal time steps in JavaScript, as the SQL of the rollup tables
 * does it (`avg` skips nulls; `min`/`max` order NaN above every number, as PostgreSQL does):
 * what a raw-resolution chart or a sparkline shows, whether its samples came from blocks or
 * raw rows (`SampleReader`). Sums run in time order, as PostgreSQL's would over the key.
 */

class Stats {
  sum = 0;
  count = 0;
  min = NaN;
  max = NaN;

  add(value: number): void {
    if (this.count === 0) {
      this.min = value;
      this.max = value;
    } else {
      if (pgLess(value, this.min)) this.min = value;
      if (pgLess(this.max, value)) this.max = value;
    }
    this.sum += value;
    this.count++;
  }

  get average(): number | null {
    return this.count === 0 ? null : this.sum / this.count;
  }
}

/** PostgreSQL's order of float8: NaN above everything. */
function pgLess(a: number, b: number): boolean {
  if (Number.isNaN(b)) return !Number.isNaN(a);
  return !Number.isNaN(a) && a < b;
}

class Bucket {
  readonly columns: Stats[];
  readonly entities = new Map<string, Map<string, Stats>>();

  constructor(columnCount: number) {
    this.columns = Array.from({ length: columnCount }, () => new Stats());
  }
}

/** The buckets of one server's samples over a range starting at `from`, `stepMs` wide. */
export class RawBuckets {
  private readonly buckets = new Map<number, Bucket>();

  constructor(
    private readonly from: number,
    private readonly stepMs: number,
    private readonly columnCount: number,
  ) {}

  add(at: number, values: readonly (number | null)[], entities?: Map<string, Map<string, number>>): void {
    const start = this.from + Math.floor((at - this.from) / this.stepMs) * this.stepMs;
    let bucket = this.buckets.get(start);
    if (!bucket) this.buckets.set(start, (bucket = new Bucket(this.columnCount)));
    values.forEach((value, c) => {
      if (value !== null) bucket.columns[c]!.add(value);
    });
    for (const [metric, byEntity] of entities ?? []) {
      let stats = bucket.entities.get(metric);
      if (!stats) bucket.entities.set(metric, (stats = new Map()));
      for (const [entity, value] of byEntity) {
        let s = stats.get(entity);
        if (!s) stats.set(entity, (s = new Stats()));
        s.add(value);
      }
    }
  }

  /** Each bucket (time order) with each column's average under `names`, and the extremes of the `banded` ones. */
  headline(names: readonly string[], banded: ReadonlySet<string>): ({ t: Date } & Record<string, unknown>)[] {
    return [...this.buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, bucket]) => {
        const row: { t: Date } & Record<string, unknown> = { t: new Date(start) };
        names.forEach((name, c) => {
          const stats = bucket.columns[c]!;
          row[name] = stats.average;
          if (banded.has(name)) {
            row[`${name}.min`] = stats.count > 0 ? stats.min : null;
            row[`${name}.max`] = stats.count > 0 ? stats.max : null;
          }
        });
        return row;
      });
  }

  /** Each (bucket, entity) of one metric with its average (of one entity, if given). */
  entity(metric: string, entity?: string): { t: Date; entity: string; value: number | null }[] {
    const rows: { t: Date; entity: string; value: number | null }[] = [];
    for (const [start, bucket] of this.buckets) {
      for (const [name, stats] of bucket.entities.get(metric) ?? []) {
        if (entity === undefined || name === entity) rows.push({ t: new Date(start), entity: name, value: stats.average });
      }
    }
    return rows;
  }
}
