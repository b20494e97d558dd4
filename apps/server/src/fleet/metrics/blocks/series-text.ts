/**
 * A sample's per-entity `series` as PostgreSQL prints a jsonb value (`series::text`): keys
 * sorted as jsonb keeps them, `": "` and `", "` between, numbers as numeric prints them (plain
 * decimals, no exponent, the digits as stored: a uint64 counter stays exact). A block keeps
 * the text's keys as they are written (their JSON tokens) and each number either as a float64
 * (when `numericText` of it gives the same text back) or as its text.
 */

/** `{metric: {entity: number}}`: each key as its JSON token (quotes and escapes), each number as its text. */
export type SeriesEntries = [metricToken: string, entities: [entityToken: string, numberText: string][]][];

/**
 * The text PostgreSQL prints for a jsonb numeric holding `value` as JavaScript writes it
 * (`JSON.stringify`, the shortest text that reads back as the same float64): the same
 * digits, with any exponent written out (`1e+21` → `1000000000000000000000`, `1.5e-7` →
 * `0.00000015`). Only finite numbers.
 */
export function numericText(value: number): string {
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const point = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const integerDigits = (point < 0 ? mantissa.length : point) + exponent;
  let plain: string;
  if (integerDigits <= 0) plain = `0.${'0'.repeat(-integerDigits)}${digits}`;
  else if (integerDigits >= digits.length) plain = digits + '0'.repeat(integerDigits - digits.length);
  else plain = `${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
  return negative ? `-${plain}` : plain;
}

/** The float64 a number's text stands for, when `numericText` gives the text back; else undefined. */
export function floatOfText(text: string): number | undefined {
  const value = Number(text);
  return Number.isFinite(value) && numericText(value) === text ? value : undefined;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// A JSON string: no raw quote, backslash or control character (U+0000–U+001F) inside, escapes whole.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * The entries of a series text of the usual shape — an object of non-empty objects of numbers,
 * printed as jsonb prints it (`seriesText` of the entries gives the text back) — or undefined
 * for any other text (a block keeps that one whole).
 */
export function parseSeriesText(text: string): SeriesEntries | undefined {
  let at = 0;
  const expect = (literal: string): boolean => {
    if (!text.startsWith(literal, at)) return false;
    at += literal.length;
    return true;
  };
  const token = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) return undefined;
    at += match[0].length;
    return match[0];
  };
  if (!expect('{')) return undefined;
  const entries: SeriesEntries = [];
  if (expect('}')) return at === text.length ? entries : undefined;
  do {
    const metric = token(STRING);
    if (metric === undefined || !expect(': {')) return undefined;
    const entities: [string, string][] = [];
    do {
      const entity = token(STRING);
      if (entity === undefined || !expect(': ')) return undefined;
      const number = token(NUMBER);
      if (number === undefined) return undefined;
      entities.push([entity, number]);
    } while (expect(', '));
    if (!expect('}')) return undefined;
    entries.push([metric, entities]);
  } while (expect(', '));
  if (!expect('}') || at !== text.length) return undefined;
  return seriesText(entries) === text ? entries : undefined;
}

/** The text of series entries, as jsonb prints it. */
export function seriesText(entries: SeriesEntries): string {
  let out = '{';
  entries.forEach(([metric, entities], i) => {
    out += `${i > 0 ? ', ' : ''}${metric}: {`;
    entities.forEach(([entity, number], j) => {
      out += `${j > 0 ? ', ' : ''}${entity}: ${number}`;
    });
    out += '}';
  });
  return `${out}}`;
}
