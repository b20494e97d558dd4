/**
 * How deep JSON bodies and WebSocket messages may nest (`[[[…]]]`, `{"a":{"a":…}}`). No
 * protocol of Pharos nests deeper than a dozen levels; without a bound, 1 MiB of `[` costs
 * the parser ~130 ms and overflows the stack of whatever walks the value afterwards
 * (class-transformer, validators: a 500 instead of a 400).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text opens more than `maxDepth` arrays or objects inside each other, read
 * without parsing (strings skipped, escapes honoured). One pass over the characters, a few
 * milliseconds for a MiB; malformed text is left for the parser to refuse.
 */
export function jsonNestsDeeperThan(text: string, maxDepth: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip the string: to the next quote not escaped by a backslash.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c /* \ */) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

/** The 400 a body nested too deeply gets (Fastify client errors keep their status, `HttpErrorFilter`). */
export function tooDeepError(maxDepth: number = MAX_JSON_DEPTH): Error & { statusCode: number } {
  return Object.assign(new Error(`body: JSON nests deeper than ${maxDepth} arrays or objects`), { statusCode: 400 });
}
