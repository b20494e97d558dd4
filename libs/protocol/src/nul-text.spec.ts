import { findNulText, NUL_TEXT_REASON, nulTextError } from './nul-text';

describe('findNulText', () => {
  it('finds nothing in JSON without NUL, whatever its shape', () => {
    for (const value of [null, 0, true, '', 'text', [], {}, { a: [1, 'x', { b: null }] }, 'ends with \\u0000 as plain text']) {
      expect(findNulText(value)).toBeNull();
    }
  });

  it('names a string value holding NUL by the path validation errors use', () => {
    expect(findNulText('a\u0000')).toBe('(root)');
    expect(findNulText({ hostname: 'edge\u0000' })).toBe('hostname');
    expect(findNulText({ metrics: { disk: { physical: [{ name: 'sda' }, { name: 'sd\u0000b' }] } } })).toBe('metrics.disk.physical[1].name');
    expect(findNulText([['ok', '\u0000']])).toBe('[0][1]');
  });

  it('names an object key holding NUL, escaped', () => {
    expect(findNulText({ labels: { 'a\u0000b': 1 } })).toBe('labels["a\\u0000b"]');
  });

  it('reports the first in document order', () => {
    expect(findNulText({ a: ['ok', { b: '\u0000' }], c: '\u0000' })).toBe('a[1].b');
    expect(findNulText(JSON.parse('{"z":"\\u0000","a":"\\u0000"}'))).toBe('z');
  });

  it('walks deeply nested bodies without exhausting the stack', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findNulText(deep)).toMatch(/^(\[0\]){200000}$/);
  });

  it('does not enter values that are not parsed JSON', () => {
    expect(findNulText({ file: Buffer.from([0, 0, 0]) })).toBeNull();
    expect(findNulText(new (class Holder { text = '\u0000'; })())).toBeNull();
    const query = Object.assign(Object.create(null) as Record<string, unknown>, { search: 'x\u0000' });
    expect(findNulText(query)).toBe('search');
    function Dictionary() {}
    Dictionary.prototype = Object.create(null);
    const fastifyQuery = Object.assign(new (Dictionary as unknown as new () => object)(), { q: '\u0000' });
    expect(findNulText(fastifyQuery)).toBe('q');
  });

  it('gives the wire error form', () => {
    expect(nulTextError({ data: 'bad\u0000byte' })).toEqual({ path: 'data', message: NUL_TEXT_REASON });
    expect(nulTextError({ data: 'fine' })).toBeNull();
  });
});
