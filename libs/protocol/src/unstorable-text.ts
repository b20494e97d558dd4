/**
 * Text PostgreSQL cannot store: a NUL character (U+0000), which `text` and `jsonb` cannot hold,
 * and an unpaired UTF-16 surrogate (U+D800–U+DFFF without its other half), which is no Unicode
 * character at all — `jsonb` and every JSON parameter refuse its `\ud800` escape, and a text
 * parameter has it replaced by U+FFFD on the way (so what is stored is not what came). An
 * insert holding either fails, and with it every other write of its transaction or batch, so
 * every receiver of external JSON refuses such a message up front, naming where the text is.
 *
 * JSON text carries either only as an escape (`\u0000`, `\ud800`…`\udfff`): a raw NUL is
 * malformed JSON, and a surrogate encoded raw in UTF-8 is invalid UTF-8, which Node's decoder
 * turns into U+FFFD, `ws` refuses (close 1007) and Fastify refuses in a path (400) or leaves
 * percent-encoded in a query.
 */
import type { WireError } from './validation';

export const NUL_TEXT_REASON = 'text must not contain NUL characters (\\u0000)';
export const LONE_SURROGATE_REASON = 'text must not contain unpaired UTF-16 surrogates (\\ud800-\\udfff)';

interface Pending {
  value: unknown;
  parent: Pending | undefined;
  /** `.name`, `[3]` or `["key"]`; empty at the root. */
  segment: string;
}

/**
 * The first string in a parsed JSON value, in document order, that PostgreSQL cannot store — a
 * value, or an object key (then shown escaped, `labels["a\u0000b"]`) — as a wire error: its
 * path (`metrics.disk.physical[0].name`, as validation errors name fields) and which
 * characters it holds; null when there is none. Walks iteratively, so a deeply nested body
 * cannot exhaust the stack; values that are not JSON (buffers, streams, class instances) are
 * not entered.
 */
export function unstorableTextError(root: unknown): WireError | null {
  const stack: Pending[] = [{ value: root, parent: undefined, segment: '' }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const { value } = item;
    if (typeof value === 'string') {
      const reason = unstorableReason(value);
      if (reason) return { path: pathOf(item), message: reason };
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], parent: item, segment: `[${i}]` });
    } else if (isJsonObject(value)) {
      const keys = Object.keys(value);
      for (const key of keys) {
        const reason = unstorableReason(key);
        if (reason) return { path: pathOf({ value: key, parent: item, segment: `[${JSON.stringify(key)}]` }), message: reason };
      }
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: value[keys[i]!], parent: item, segment: `.${keys[i]}` });
    }
  }
  return null;
}

/** Why PostgreSQL cannot store `text`, or null when it can. */
export function unstorableReason(text: string): string | null {
  if (text.includes('\u0000')) return NUL_TEXT_REASON;
  // Native in Node 20 and current browsers (ES2024, past this project's `lib`).
  if (!(text as string & { isWellFormed(): boolean }).isWellFormed()) return LONE_SURROGATE_REASON;
  return null;
}

/**
 * False when a JSON text certainly parses to nothing `unstorableTextError` would find: it has
 * no `\u0000` escape and no escape of a surrogate (`\uD800`–`\uDFFF`, any case). An escaped
 * pair (an emoji written `\ud83d\ude00`) or an escaped backslash before `u0000` gives true:
 * the walk decides.
 */
export function jsonMayHoldUnstorableText(json: string): boolean {
  // indexOf is a vectorised scan; a regular expression over the whole text cost 50 times more.
  for (let at = json.indexOf('\\u'); at !== -1; at = json.indexOf('\\u', at + 2)) {
    if (UNSTORABLE_ESCAPE.test(json.slice(at + 2, at + 6))) return true;
  }
  return false;
}

/** The four hex digits of a `\u` escape of NUL or of a surrogate. */
const UNSTORABLE_ESCAPE = /^(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})$/;

function isJsonObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  // `{}` (prototype Object.prototype), or a dictionary without one: Fastify parses query
  // strings into objects whose prototype is itself prototype-less. Not a Buffer or a class.
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

function pathOf(item: Pending): string {
  const segments: string[] = [];
  for (let at: Pending | undefined = item; at; at = at.parent) segments.push(at.segment);
  const path = segments.reverse().join('');
  if (path === '') return '(root)';
  return path.startsWith('.') ? path.slice(1) : path;
}
