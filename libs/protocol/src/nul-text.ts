/**
 * PostgreSQL `text` and `jsonb` cannot hold U+0000, so a message carrying it cannot be stored:
 * an insert holding one fails, and with it every other write of its transaction or batch.
 * Every receiver of external JSON refuses such a message up front, naming where the NUL is.
 * (JSON.parse takes a NUL only as the escape `\u0000`; a raw one is malformed JSON already.)
 */
import type { WireError } from './validation';

export const NUL_TEXT_REASON = 'text must not contain NUL characters (\\u0000)';

interface Pending {
  value: unknown;
  parent: Pending | undefined;
  /** `.name`, `[3]` or `["key"]`; empty at the root. */
  segment: string;
}

/**
 * The path (`metrics.disk.physical[0].name`, as validation errors name fields) of the first
 * string in a parsed JSON value, in document order, that contains NUL — a value, or an object
 * key (then shown escaped, `labels["a\u0000b"]`); null when there is none. Walks iteratively,
 * so a deeply nested body cannot exhaust the stack; values that are not JSON (buffers,
 * streams, class instances) are not entered.
 */
export function findNulText(root: unknown): string | null {
  const stack: Pending[] = [{ value: root, parent: undefined, segment: '' }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const { value } = item;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return pathOf(item);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], parent: item, segment: `[${i}]` });
    } else if (isJsonObject(value)) {
      const keys = Object.keys(value);
      for (const key of keys) if (key.includes('\u0000')) return pathOf({ value: key, parent: item, segment: `[${JSON.stringify(key)}]` });
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: value[keys[i]!], parent: item, segment: `.${keys[i]}` });
    }
  }
  return null;
}

/** The wire error for a value holding NUL text, or null when it holds none. */
export function nulTextError(value: unknown): WireError | null {
  const path = findNulText(value);
  return path === null ? null : { path, message: NUL_TEXT_REASON };
}

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
