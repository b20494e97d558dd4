import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { METRIC_SERIES, METRIC_SERIES_NAMES } from '../metric-series';
import { ByteReader, ByteWriter, readXorFloats, writeXorFloats } from './byte-streams';
import { floatOfText, numericText, parseSeriesText, type SeriesEntries, seriesText } from './series-text';

/**
 * One server's raw samples of one minute as one compressed block (`MetricBlock.data`), and
 * back, exactly: the byte layout and its versions are in docs/metric-blocks.md.
 *
 * Timestamps are delta-of-delta varints; each headline column (`BLOCK_COLUMNS`) and each
 * per-entity series (metric, entity) is its own column: which samples have it, then its
 * values as Gorilla XOR of float64 bits. A series number whose text is not what
 * `numericText` gives for its float64 (a uint64 counter above 2^53, `1.50`) is kept as text.
 * The whole, after its version, is deflated when that makes it shorter (the key names and the
 * bits XOR leaves: about 30 % less, `docs/metric-blocks.md`).
 */

/** The block format this code writes; `decodeBlock` refuses any other. */
export const BLOCK_VERSION = 1;

/** The headline columns of a version-1 block, in order: the columns of `MetricSample`. */
export const BLOCK_COLUMNS = METRIC_SERIES_NAMES.map((name) => METRIC_SERIES[name]);

/** One raw sample as a block keeps it. */
export interface BlockSample {
  /** Its time in ms since the epoch (`MetricSample.at`, millisecond precision). */
  at: number;
  /** Each of `BLOCK_COLUMNS`: any float64 (NaN, ±Infinity and -0 included), or null. */
  values: (number | null)[];
  /** `series` as PostgreSQL prints the jsonb (`series::text`), or null. */
  series: string | null;
}

/** What `readBlock` gives: the times, the headline columns asked for, and one entity series' values per entity. */
export interface BlockColumns {
  at: number[];
  columns: (number | null)[][];
  /** Metric → entity name → a value per sample (null where the sample has none). */
  entities: Map<string, Map<string, (number | null)[]>>;
}

const enum Presence {
  None = 0,
  All = 1,
  Some = 2,
}
/** Set in a column's flags when some of its values are kept as text. */
const HAS_TEXTS = 0x10;

/** How the body of a block (all after its version and this byte) is stored. */
const enum BodyEncoding {
  Plain = 0,
  /** Raw deflate (RFC 1951, `zlib.deflateRawSync`). */
  Deflate = 1,
}

const enum SeriesKind {
  Null = 0,
  Entries = 1,
  /** A text of another shape, kept whole. */
  Whole = 2,
}

/** Encodes samples of one server (ascending, distinct times); at least one. */
export function encodeBlock(samples: readonly BlockSample[]): Buffer {
  if (samples.length === 0) throw new Error('a metric block holds at least one sample');
  const out = new ByteWriter();
  out.varint(samples.length);
  out.varint(BLOCK_COLUMNS.length);
  writeTimes(out, samples);
  BLOCK_COLUMNS.forEach((column, c) => {
    const values = samples.map((s) => {
      if (s.values.length !== BLOCK_COLUMNS.length) throw new Error(`a block sample has ${BLOCK_COLUMNS.length} headline values, not ${s.values.length}`);
      return s.values[c]!;
    });
    out.chunk(encodeColumn(values.map((v) => (v === null ? null : { float: v }))));
  });
  writeSeries(out, samples);
  const body = out.toBuffer();
  const deflated = deflateRawSync(body);
  const [encoding, stored] = deflated.length < body.length ? [BodyEncoding.Deflate, deflated] : [BodyEncoding.Plain, body];
  return Buffer.concat([Buffer.from([BLOCK_VERSION, encoding]), stored]);
}

/** The body of a block, once its version is known and its encoding undone. */
function bodyOf(data: Uint8Array): ByteReader {
  const version = data[0];
  if (version !== BLOCK_VERSION) throw new Error(`metric block version ${version} is not known to this Pharos (it reads version ${BLOCK_VERSION})`);
  if (data.length < 2) throw new Error('metric block truncated');
  const body = data.subarray(2);
  if (data[1] === BodyEncoding.Plain) return new ByteReader(body);
  if (data[1] !== BodyEncoding.Deflate) throw new Error(`metric block: unknown body encoding ${data[1]}`);
  try {
    return new ByteReader(inflateRawSync(body));
  } catch {
    throw new Error('metric block truncated (its deflated body does not inflate)');
  }
}

/** Every sample of a block, as it was encoded. */
export function decodeBlock(data: Uint8Array): BlockSample[] {
  const input = bodyOf(data);
  const count = readHeader(input);
  const at = readTimes(input, count);
  const columns = BLOCK_COLUMNS.map(() => decodeColumn(input.chunk(), count).map((v) => (v === null ? null : typeof v === 'number' ? v : Number(v))));
  const series = readSeries(input, count, undefined);
  return at.map((t, i) => ({ at: t, values: columns.map((column) => column[i]!), series: series.texts[i]! }));
}

/**
 * The times of a block, the headline columns at `columns` (indexes into `BLOCK_COLUMNS`) and
 * the per-entity values of the `metrics` asked for, as numbers (what `::double precision` of
 * the jsonb gives); the other columns are skipped, not decoded.
 */
export function readBlock(data: Uint8Array, columns: readonly number[], metrics: readonly string[] = []): BlockColumns {
  const input = bodyOf(data);
  const count = readHeader(input);
  const at = readTimes(input, count);
  const decoded = new Map<number, (number | null)[]>();
  const wanted = new Set(columns);
  for (let c = 0; c < BLOCK_COLUMNS.length; c++) {
    if (wanted.has(c)) decoded.set(c, decodeColumn(input.chunk(), count) as (number | null)[]);
    else input.skipChunk();
  }
  const entities = metrics.length > 0 ? readSeries(input, count, new Set(metrics)).entities : new Map<string, Map<string, (number | null)[]>>();
  return { at, columns: columns.map((c) => decoded.get(c)!), entities };
}

function readHeader(input: ByteReader): number {
  const count = input.varint();
  const columns = input.varint();
  if (columns !== BLOCK_COLUMNS.length) throw new Error(`metric block: ${columns} headline columns where version ${BLOCK_VERSION} has ${BLOCK_COLUMNS.length}`);
  return count;
}

function writeTimes(out: ByteWriter, samples: readonly BlockSample[]): void {
  let previous = 0;
  let previousDelta = 0;
  samples.forEach(({ at }, i) => {
    if (!Number.isSafeInteger(at)) throw new Error(`a block sample's time must be whole milliseconds, not ${at}`);
    if (i === 0) out.zigzag(at);
    else {
      const delta = at - previous;
      if (delta <= 0) throw new Error('block samples must be in ascending time order, each time once');
      out.zigzag(delta - previousDelta);
      previousDelta = delta;
    }
    previous = at;
  });
}

function readTimes(input: ByteReader, count: number): number[] {
  const at = new Array<number>(count);
  let delta = 0;
  for (let i = 0; i < count; i++) {
    if (i === 0) at[0] = input.zigzag();
    else {
      delta += input.zigzag();
      at[i] = at[i - 1]! + delta;
    }
  }
  return at;
}

/** A column's value: a float64, or a number kept as its text. */
type ColumnValue = { float: number } | { text: string };

/**
 * Flags (presence, whether texts follow), the presence bitmap if some are missing, the texts
 * (position among the present values, text), then the float64 values as one XOR stream.
 */
function encodeColumn(values: readonly (ColumnValue | null)[]): Uint8Array {
  const out = new ByteWriter();
  const present = values.filter((v): v is ColumnValue => v !== null);
  const presence = present.length === 0 ? Presence.None : present.length === values.length ? Presence.All : Presence.Some;
  const texts = present.map((v, i) => ['text' in v ? v.text : undefined, i] as const).filter(([text]) => text !== undefined);
  out.byte(presence | (texts.length > 0 ? HAS_TEXTS : 0));
  if (presence === Presence.Some) {
    const bitmap = new Uint8Array(Math.ceil(values.length / 8));
    values.forEach((v, i) => {
      if (v !== null) bitmap[i >> 3]! |= 1 << (i & 7);
    });
    out.bytes(bitmap);
  }
  if (texts.length > 0) {
    out.varint(texts.length);
    for (const [text, i] of texts) {
      out.varint(i);
      out.text(text!);
    }
  }
  const floats = present.filter((v): v is { float: number } => 'float' in v).map((v) => v.float);
  if (floats.length > 0) out.bytes(writeXorFloats(floats));
  return out.toBuffer();
}

/** A column's values per sample: numbers, texts (numbers kept as text) or null. */
function decodeColumn(data: Uint8Array, count: number): (number | string | null)[] {
  const input = new ByteReader(data);
  const flags = input.byte();
  const presence = flags & 0x0f;
  if (presence === Presence.None) return new Array<null>(count).fill(null);
  let present: number[];
  if (presence === Presence.All) present = Array.from({ length: count }, (_, i) => i);
  else if (presence === Presence.Some) {
    const bitmap = input.bytes(Math.ceil(count / 8));
    present = [];
    for (let i = 0; i < count; i++) if (bitmap[i >> 3]! & (1 << (i & 7))) present.push(i);
  } else throw new Error(`metric block: unknown column presence ${presence}`);
  const texts = new Map<number, string>();
  if (flags & HAS_TEXTS) {
    for (let k = input.varint(); k > 0; k--) {
      const i = input.varint();
      texts.set(i, input.text());
    }
  }
  const floats = readXorFloats(input.bytes(data.length - input.offset), present.length - texts.size);
  const values = new Array<number | string | null>(count).fill(null);
  let f = 0;
  present.forEach((sample, i) => {
    values[sample] = texts.get(i) ?? floats[f++]!;
  });
  return values;
}

/** Key tokens in jsonb's key order: shorter (in UTF-8 bytes) first, then bytewise. */
function inJsonbKeyOrder(tokens: Iterable<string>): string[] {
  return [...tokens]
    .map((token) => ({ token, key: Buffer.from(JSON.parse(token) as string, 'utf8') }))
    .sort((a, b) => a.key.length - b.key.length || Buffer.compare(a.key, b.key))
    .map(({ token }) => token);
}

/**
 * Per sample its kind (one byte for all when they share it), the texts kept whole, then the
 * keys — each metric's token, its entities' tokens each with its column — in jsonb's key order.
 */
function writeSeries(out: ByteWriter, samples: readonly BlockSample[]): void {
  const parsed = samples.map((s) => (s.series === null ? null : (parseSeriesText(s.series) ?? s.series)));
  // metric token → entity token → value per sample
  const columns = new Map<string, Map<string, (ColumnValue | null)[]>>();
  parsed.forEach((entries, i) => {
    if (entries === null || typeof entries === 'string') return;
    for (const [metric, entities] of entries) {
      let byEntity = columns.get(metric);
      if (!byEntity) columns.set(metric, (byEntity = new Map()));
      for (const [entity, number] of entities) {
        let column = byEntity.get(entity);
        if (!column) byEntity.set(entity, (column = new Array<ColumnValue | null>(samples.length).fill(null)));
        const float = floatOfText(number);
        column[i] = float === undefined ? { text: number } : { float };
      }
    }
  });
  const metrics = inJsonbKeyOrder(columns.keys());
  const entityOrder = new Map(metrics.map((m) => [m, inJsonbKeyOrder(columns.get(m)!.keys())]));
  const metricRank = new Map(metrics.map((m, i) => [m, i]));
  const entityRank = new Map(metrics.map((m) => [m, new Map(entityOrder.get(m)!.map((e, i) => [e, i]))]));
  // A text whose keys are not in that order (not as jsonb prints it) would not come back as it was: kept whole.
  const kinds = parsed.map((entries, i) => {
    if (entries === null) return SeriesKind.Null;
    if (typeof entries === 'string' || inOrder(entries, metricRank, entityRank)) return typeof entries === 'string' ? SeriesKind.Whole : SeriesKind.Entries;
    for (const [metric, entities] of entries) for (const [entity] of entities) columns.get(metric)!.get(entity)![i] = null;
    return SeriesKind.Whole;
  });
  if (kinds.every((k) => k === kinds[0])) {
    out.byte(kinds[0]!);
  } else {
    out.byte(0xff);
    for (const kind of kinds) out.byte(kind);
  }
  kinds.forEach((kind, i) => {
    if (kind === SeriesKind.Whole) out.text(samples[i]!.series!);
  });
  const kept = metrics.filter((m) => [...columns.get(m)!.values()].some((column) => column.some((v) => v !== null)));
  out.varint(kept.length);
  for (const metric of kept) {
    const byEntity = columns.get(metric)!;
    const entities = entityOrder.get(metric)!.filter((e) => byEntity.get(e)!.some((v) => v !== null));
    out.text(metric);
    out.varint(entities.length);
    for (const entity of entities) {
      out.text(entity);
      out.chunk(encodeColumn(byEntity.get(entity)!));
    }
  }
}

/** Whether a sample's keys come in the block's order (else its text would not come back as it was). */
function inOrder(entries: SeriesEntries, metricRank: Map<string, number>, entityRank: Map<string, Map<string, number>>): boolean {
  let last = -1;
  for (const [metric, entities] of entries) {
    const rank = metricRank.get(metric)!;
    if (rank <= last) return false;
    last = rank;
    const order = entityRank.get(metric)!;
    let lastEntity = -1;
    for (const [entity] of entities) {
      const r = order.get(entity)!;
      if (r <= lastEntity) return false;
      lastEntity = r;
    }
  }
  return true;
}

/**
 * The series of a block: each sample's text (`wanted` undefined), or the values of the metrics
 * in `wanted` (decoded names) per entity name, as numbers.
 */
function readSeries(
  input: ByteReader,
  count: number,
  wanted: Set<string> | undefined,
): { texts: (string | null)[]; entities: Map<string, Map<string, (number | null)[]>> } {
  const first = input.byte();
  const kinds: number[] = first === 0xff ? Array.from({ length: count }, () => input.byte()) : new Array<number>(count).fill(first);
  const texts = new Array<string | null>(count).fill(null);
  kinds.forEach((kind, i) => {
    if (kind === SeriesKind.Whole) texts[i] = input.text();
    else if (kind !== SeriesKind.Null && kind !== SeriesKind.Entries) throw new Error(`metric block: unknown series kind ${kind}`);
  });
  const entities = new Map<string, Map<string, (number | null)[]>>();
  const entries: [string, [string, (number | string | null)[]][]][] = [];
  for (let m = input.varint(); m > 0; m--) {
    const metric = input.text();
    const name = wanted ? (JSON.parse(metric) as string) : metric;
    const take = !wanted || wanted.has(name);
    const columns: [string, (number | string | null)[]][] = [];
    for (let e = input.varint(); e > 0; e--) {
      const entity = input.text();
      if (take) columns.push([entity, decodeColumn(input.chunk(), count)]);
      else input.skipChunk();
    }
    if (!take) continue;
    if (wanted) {
      const byEntity = new Map<string, (number | null)[]>();
      for (const [entity, values] of columns) byEntity.set(JSON.parse(entity) as string, values.map((v) => (v === null ? null : Number(v))));
      entities.set(name, byEntity);
    } else entries.push([metric, columns]);
  }
  if (wanted) {
    // Texts kept whole: their values of the wanted metrics, as jsonb's `::double precision` reads them.
    texts.forEach((text, i) => {
      if (text === null) return;
      const value = JSON.parse(text) as unknown;
      if (typeof value !== 'object' || value === null) return;
      for (const name of wanted) {
        const byName = (value as Record<string, unknown>)[name];
        if (typeof byName !== 'object' || byName === null) continue;
        let byEntity = entities.get(name);
        if (!byEntity) entities.set(name, (byEntity = new Map()));
        for (const [entity, v] of Object.entries(byName as Record<string, unknown>)) {
          if (typeof v !== 'number') continue;
          let column = byEntity.get(entity);
          if (!column) byEntity.set(entity, (column = new Array<number | null>(count).fill(null)));
          column[i] = v;
        }
      }
    });
    return { texts, entities };
  }
  kinds.forEach((kind, i) => {
    if (kind !== SeriesKind.Entries) return;
    const sample: SeriesEntries = [];
    for (const [metric, columns] of entries) {
      const present = columns.filter(([, values]) => values[i] !== null).map(([entity, values]) => [entity, textOf(values[i]!)] as [string, string]);
      if (present.length > 0) sample.push([metric, present]);
    }
    texts[i] = seriesText(sample);
  });
  return { texts, entities };
}

/** A series number's text: kept as is, or the text PostgreSQL prints for its float64. */
function textOf(value: number | string): string {
  return typeof value === 'string' ? value : numericText(value);
}
