import { TextBlob } from './json-rows';

describe('TextBlob', () => {
  it('places each text by its 1-based byte offset and byte length in UTF-8', () => {
    const blob = new TextBlob();
    const texts = ['{"a":1}', '{"name":"日本"}', '', '{"e":"🛰️"}'];
    const places = texts.map((text) => blob.add(text));
    const bytes = blob.toBuffer();
    expect(bytes.length).toBe(texts.reduce((n, t) => n + Buffer.byteLength(t), 0));
    places.forEach(({ offset, length }, i) => {
      expect(bytes.subarray(offset - 1, offset - 1 + length).toString('utf8')).toBe(texts[i]);
    });
    expect(places.map((p) => p.offset)).toEqual([1, 8, 25, 25]);
  });

  it('is empty until a text is added', () => {
    expect(new TextBlob().toBuffer().length).toBe(0);
  });
});
