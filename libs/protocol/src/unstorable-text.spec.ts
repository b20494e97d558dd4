import { jsonMayHoldUnstorableText, LONE_SURROGATE_REASON, NUL_TEXT_REASON, unstorableReason, unstorableTextError } from './unstorable-text';

const pathOf = (value: unknown) => unstorableTextError(value)?.path ?? null;

describe('unstorableTextError', () => {
  it('finds nothing in JSON PostgreSQL can store, whatever its shape', () => {
    for (const value of [null, 0, true, '', 'text', [], {}, { a: [1, 'x', { b: null }] }, 'ends with \\u0000 as plain text', '\\ud800 as plain text']) {
      expect(unstorableTextError(value)).toBeNull();
    }
  });

  it('takes surrogate pairs (emoji, astral characters), in values and keys, and U+FFFD', () => {
    for (const value of ['🛰️ sat', '\ud83d\ude00', 'a\ud800\udc00b', { '𝄞 clef': '日本語 ✓' }, ['\ud83d\ude00\ud83d\ude00'], '\ufffd', JSON.parse('"\\uD83D\\uDE00"')]) {
      expect(unstorableTextError(value)).toBeNull();
    }
  });

  it('names a string value holding NUL by the path validation errors use', () => {
    expect(pathOf('a\u0000')).toBe('(root)');
    expect(pathOf({ hostname: 'edge\u0000' })).toBe('hostname');
    expect(pathOf({ metrics: { disk: { physical: [{ name: 'sda' }, { name: 'sd\u0000b' }] } } })).toBe('metrics.disk.physical[1].name');
    expect(pathOf([['ok', '\u0000']])).toBe('[0][1]');
  });

  it('finds a lone surrogate, high or low, at the start, in the middle or at the end of a value', () => {
    const lone = ['\ud800', '\udc00', '\udbff', '\udfff', '\ud800x', 'x\ud800', 'a\ud800b', '\udc00x', 'x\udc00', 'a\udc00b'];
    // Halves of a pair in the wrong order, or a pair with one half doubled.
    const misordered = ['\udc00\ud800', '\ud800\ud800\udc00', '\ud800\udc00\udc00', '\ud83d\ude00\ud83d'];
    for (const text of [...lone, ...misordered]) {
      expect([JSON.stringify(text), unstorableTextError({ data: text })]).toEqual([JSON.stringify(text), { path: 'data', message: LONE_SURROGATE_REASON }]);
    }
    expect(pathOf({ metrics: { disk_usage: [{ mountpoint: '/' }, { mountpoint: '/mnt/\ud800' }] } })).toBe('metrics.disk_usage[1].mountpoint');
  });

  it('names an object key holding NUL or a lone surrogate, escaped', () => {
    expect(pathOf({ labels: { 'a\u0000b': 1 } })).toBe('labels["a\\u0000b"]');
    expect(unstorableTextError({ network: [{ 'eth\ud8000': 1 }] })).toEqual({ path: 'network[0]["eth\\ud8000"]', message: LONE_SURROGATE_REASON });
    expect(unstorableTextError({ '\udc00': 'x' })).toEqual({ path: '["\\udc00"]', message: LONE_SURROGATE_REASON });
  });

  it('reports the first in document order, with the reason of what it holds', () => {
    expect(pathOf({ a: ['ok', { b: '\u0000' }], c: '\u0000' })).toBe('a[1].b');
    expect(pathOf(JSON.parse('{"z":"\\u0000","a":"\\u0000"}'))).toBe('z');
    expect(unstorableTextError(JSON.parse('{"z":"\\uDC00","a":"\\u0000"}'))).toEqual({ path: 'z', message: LONE_SURROGATE_REASON });
    expect(unstorableTextError({ x: '\ud800\u0000' })).toEqual({ path: 'x', message: NUL_TEXT_REASON });
  });

  it('walks deeply nested bodies without exhausting the stack', () => {
    let deep: unknown = 'bottom\ud800';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(pathOf(deep)).toMatch(/^(\[0\]){200000}$/);
  });

  it('does not enter values that are not parsed JSON', () => {
    expect(pathOf({ file: Buffer.from([0, 0, 0]) })).toBeNull();
    expect(pathOf(new (class Holder { text = '\u0000'; })())).toBeNull();
    const query = Object.assign(Object.create(null) as Record<string, unknown>, { search: 'x\u0000' });
    expect(pathOf(query)).toBe('search');
    function Dictionary() {}
    Dictionary.prototype = Object.create(null);
    const fastifyQuery = Object.assign(new (Dictionary as unknown as new () => object)(), { q: '\udfff' });
    expect(pathOf(fastifyQuery)).toBe('q');
  });

  it('gives the wire error form', () => {
    expect(unstorableTextError({ data: 'bad\u0000byte' })).toEqual({ path: 'data', message: NUL_TEXT_REASON });
    expect(unstorableTextError({ data: 'bad \ud800' })).toEqual({ path: 'data', message: LONE_SURROGATE_REASON });
    expect(unstorableTextError({ data: 'fine' })).toBeNull();
    expect([unstorableReason('ok'), unstorableReason('\u0000'), unstorableReason('\udc00')]).toEqual([null, NUL_TEXT_REASON, LONE_SURROGATE_REASON]);
  });
});

describe('jsonMayHoldUnstorableText', () => {
  it('is false for JSON text without an escape of NUL or of a surrogate', () => {
    for (const text of ['{}', '{"a":"plain"}', '{"a":"\\u00e9\\u0041\\uFFFD"}', '{"a":"\\ue000\\uD7FF"}', '{"a":"ends with \\u"}', '"\\u000"', JSON.stringify({ a: '日本語 🛰️' })]) {
      expect([text, jsonMayHoldUnstorableText(text)]).toEqual([text, false]);
    }
  });

  it('is true for every JSON text whose value the walk could refuse, in either case of hex digits', () => {
    for (const text of ['{"a":"\\u0000"}', '{"a":"x\\ud800"}', '{"a":"\\uD800"}', '{"a":"\\uDBFF"}', '{"\\udc00":1}', '["\\uDfFf"]', JSON.stringify({ a: '\ud800' }), JSON.stringify(['\udc00'])]) {
      expect([text, jsonMayHoldUnstorableText(text)]).toEqual([text, true]);
    }
  });

  it('agrees with the walk on what it rules out: no text it calls clean parses to unstorable text', () => {
    const samples = ['\u0000', '\ud800', '\udc00', '\ud83d\ude00', 'é', '\\u0000', '\\ud800', 'x'];
    for (const a of samples) {
      for (const b of samples) {
        const text = JSON.stringify({ [a]: [a + b, { k: b }] });
        if (!jsonMayHoldUnstorableText(text)) expect([text, unstorableTextError(JSON.parse(text))]).toEqual([text, null]);
      }
    }
  });
});
