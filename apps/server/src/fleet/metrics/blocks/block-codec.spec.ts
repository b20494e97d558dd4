import { BLOCK_COLUMNS, BLOCK_VERSION, type BlockSample, decodeBlock, encodeBlock, readBlock } from './block-codec';
import { readXorFloats, writeXorFloats } from './byte-streams';
import { floatOfText, numericText, parseSeriesText } from './series-text';

/** A small seeded generator (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE, 2 ** 53 + 2, 0.1 + 0.2, 1e-300, 123456789.125];

function randomFloat(rand: () => number): number {
  const pick = rand();
  if (pick < 0.1) return SPECIAL[Math.floor(rand() * SPECIAL.length)]!;
  if (pick < 0.4) return Math.round(rand() * 1000);
  if (pick < 0.7) return Math.round(rand() * 10000) / 100;
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, Math.floor(rand() * 2 ** 32));
  view.setUint32(4, Math.floor(rand() * 2 ** 32));
  return view.getFloat64(0);
}

/** A number's text as a jsonb numeric may print it: JavaScript's, or digits no float64 holds. */
function randomNumberText(rand: () => number): string {
  const pick = rand();
  if (pick < 0.1) return String(18446744073709551615n - BigInt(Math.floor(rand() * 1000))); // a uint64 counter
  if (pick < 0.15) return '1.50';
  if (pick < 0.2) return '0.00000015';
  if (pick < 0.25) return '1000000000000000000000';
  const value = rand() < 0.5 ? Math.round(rand() * 1e6) : (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
  return numericText(value);
}

const KEYS = ['eth0', 'eth1', 'docker0', 'wg-mesh', '/', '/var/lib/docker', 'nvme0n1', 'quote"d', 'back\\slash', 'tab\there', 'ünïcode', '日本', 'all'];

/** A series text as PostgreSQL prints a jsonb: keys sorted by length then bytes. */
function jsonbText(series: Record<string, Record<string, string>>): string {
  const order = (keys: string[]) =>
    keys.sort((a, b) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const metrics = order(Object.keys(series)).map((metric) => {
    const entities = order(Object.keys(series[metric]!)).map((entity) => `${JSON.stringify(entity)}: ${series[metric]![entity]}`);
    return `${JSON.stringify(metric)}: {${entities.join(', ')}}`;
  });
  return `{${metrics.join(', ')}}`;
}

function randomSamples(rand: () => number, count: number): BlockSample[] {
  let at = 1_796_000_000_000 + Math.floor(rand() * 1e9);
  return Array.from({ length: count }, () => {
    at += 1 + Math.floor(rand() * (rand() < 0.8 ? 3000 : 100_000));
    const values = BLOCK_COLUMNS.map(() => (rand() < 0.2 ? null : randomFloat(rand)));
    let series: string | null = null;
    const kind = rand();
    if (kind < 0.7) {
      const metrics: Record<string, Record<string, string>> = {};
      for (const metric of ['iface_rx_bytes_per_sec', 'fs_used_percent', 'temp_c', 'container_cost']) {
        if (rand() < 0.3) continue;
        const entities: Record<string, string> = {};
        for (const key of KEYS) if (rand() < 0.4) entities[key] = randomNumberText(rand);
        if (Object.keys(entities).length > 0) metrics[metric] = entities;
      }
      series = jsonbText(metrics);
    } else if (kind < 0.8) {
      series = rand() < 0.5 ? '{"odd": [1, 2]}' : '{"b": {"x": 1}, "a": {"y": 2}}'; // other shapes and orders: kept whole
    }
    return { at, values, series };
  });
}

describe('metric blocks', () => {
  it('give back random samples exactly (NaN, -0, ±Infinity, null, uint64 texts, key order)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rand = random(seed);
      const samples = randomSamples(rand, 1 + Math.floor(rand() * 40));
      const decoded = decodeBlock(encodeBlock(samples));
      expect({ seed, decoded }).toEqual({ seed, decoded: samples });
      // toEqual treats 0 and -0 alike: compare the bits of every value.
      decoded.forEach((s, i) => s.values.forEach((v, c) => expect(Object.is(v, samples[i]!.values[c])).toBe(true)));
    }
  });

  it('keep a series text exactly, as PostgreSQL prints it', () => {
    const cases = [
      '{}',
      '{"c": {"a": 18446744073709551615}}',
      '{"temp_c": {"cpu": 41.5, "nvme0n1": -0.000001}, "iface_rx_bytes_per_sec": {"eth0": 1.50}}',
      '{"x": {"big": 1000000000000000000000, "small": 0.00000000000000000001}}',
      '{"a":{"b":1}}', // not as jsonb prints it: kept whole
      '[1, 2]',
      '"text"',
    ];
    const samples = cases.map((series, i) => ({ at: 1000 + i, values: BLOCK_COLUMNS.map(() => null), series }));
    expect(decodeBlock(encodeBlock(samples)).map((s) => s.series)).toEqual(cases);
  });

  it('read single columns and one metric per entity, as numbers', () => {
    const samples: BlockSample[] = [0, 3000, 6000].map((offset, i) => ({
      at: 1_796_000_040_000 + offset,
      values: BLOCK_COLUMNS.map((_, c) => (c === 0 ? 10 + i : c === 2 && i === 1 ? null : i)),
      series: i === 2 ? null : `{"temp_c": {"cpu": ${40 + i}, "nvme0n1": 18446744073709551615}, "fs_used_percent": {"/": 0.5}}`,
    }));
    const read = readBlock(encodeBlock(samples), [0, 2], ['temp_c']);
    expect(read.at).toEqual(samples.map((s) => s.at));
    expect(read.columns).toEqual([
      [10, 11, 12],
      [0, null, 2],
    ]);
    expect(Object.fromEntries(read.entities.get('temp_c')!)).toEqual({ cpu: [40, 41, null], nvme0n1: [2 ** 64, 2 ** 64, null] });
    expect(read.entities.has('fs_used_percent')).toBe(false);
  });

  it('refuse a version they do not know, and a truncated block', () => {
    const block = encodeBlock([{ at: 1, values: BLOCK_COLUMNS.map(() => 1), series: null }]);
    expect(block[0]).toBe(BLOCK_VERSION);
    const future = Buffer.from(block);
    future[0] = BLOCK_VERSION + 1;
    expect(() => decodeBlock(future)).toThrow(`metric block version ${BLOCK_VERSION + 1} is not known to this Pharos (it reads version ${BLOCK_VERSION})`);
    expect(() => decodeBlock(block.subarray(0, 5))).toThrow(/truncated/);
  });

  it('refuse samples out of time order or without their headline values', () => {
    const sample = (at: number): BlockSample => ({ at, values: BLOCK_COLUMNS.map(() => null), series: null });
    expect(() => encodeBlock([sample(2), sample(1)])).toThrow(/ascending time order/);
    expect(() => encodeBlock([sample(1), sample(1)])).toThrow(/ascending time order/);
    expect(() => encodeBlock([{ ...sample(1), values: [1] }])).toThrow(/headline values/);
    expect(() => encodeBlock([])).toThrow(/at least one/);
  });

  it('take a few bytes for a steady minute of a node', () => {
    const samples: BlockSample[] = Array.from({ length: 20 }, (_, i) => ({
      at: 1_796_000_040_000 + i * 3000,
      values: BLOCK_COLUMNS.map((_, c) => (c === 0 ? Math.round(30 + 5 * Math.sin(i)) : c)),
      series: `{"temp_c": {"cpu": 41}, "fs_used_percent": {"/": 0.4}, "iface_rx_bytes_per_sec": {"eth0": ${1000 + (i % 3)}}}`,
    }));
    expect(encodeBlock(samples).length / samples.length).toBeLessThan(16);
  });
});

describe('XOR floats', () => {
  it('give back every bit pattern', () => {
    const rand = random(7);
    const values = Array.from({ length: 2000 }, () => randomFloat(rand));
    const back = readXorFloats(writeXorFloats(values), values.length);
    back.forEach((v, i) => expect(Object.is(v, values[i])).toBe(true));
  });
});

describe('series numbers', () => {
  it.each([
    [1e21, '1000000000000000000000'],
    [1.5e-7, '0.00000015'],
    [-2.5e-10, '-0.00000000025'],
    [1.2345e25, '12345000000000000000000000'],
    [0.1, '0.1'],
    [-0, '0'],
  ])('%p prints as numeric does: %s', (value, text) => {
    expect(numericText(value)).toBe(text);
  });

  it('keep a text as a float only when it comes back the same', () => {
    expect(floatOfText('41.5')).toBe(41.5);
    expect(floatOfText('1.50')).toBeUndefined();
    expect(floatOfText('18446744073709551615')).toBeUndefined();
    expect(floatOfText('1e3')).toBeUndefined();
  });

  it('parse only the shape jsonb prints', () => {
    expect(parseSeriesText('{"a": {"b": 1, "c": -2.5}}')).toEqual([['"a"', [['"b"', '1'], ['"c"', '-2.5']]]]);
    expect(parseSeriesText('{"a": {}}')).toBeUndefined();
    expect(parseSeriesText('{"a": {"b": "1"}}')).toBeUndefined();
    expect(parseSeriesText('{"a": {"b": 1}} ')).toBeUndefined();
  });
});
