import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

/** One reason a message does not match its schema: where (dotted path) and why. */
export interface WireError {
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; error: WireError; errors: WireError[] };

/**
 * A compiled validator for one wire message: the schema is compiled to a JS function once,
 * so checking a hot-path message costs about as much as walking it by hand.
 */
export interface WireValidator<T> {
  readonly schema: TSchema;
  check(value: unknown): value is T;
  validate(value: unknown): Validated<T>;
}

export function compileValidator<S extends TSchema>(schema: S): WireValidator<Static<S>> {
  const compiled = TypeCompiler.Compile(schema);
  return {
    schema,
    check: (value): value is Static<S> => compiled.Check(value),
    validate(value) {
      if (compiled.Check(value)) return { ok: true, value };
      const errors: WireError[] = [];
      for (const error of compiled.Errors(value)) {
        errors.push({ path: pointerToPath(error.path), message: error.message });
        if (errors.length >= 10) break;
      }
      const first = mostSpecific(errors);
      return { ok: false, error: first, errors };
    },
  };
}

/** `/metrics/disk/physical/0/name` → `metrics.disk.physical[0].name` */
export function pointerToPath(pointer: string): string {
  if (pointer === '' || pointer === '/') return '(root)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** TypeBox reports a union failure at the union and again inside; the deepest path says most. */
function mostSpecific(errors: WireError[]): WireError {
  return errors.reduce((best, e) => (e.path.length > best.path.length ? e : best), errors[0] ?? { path: '(root)', message: 'invalid' });
}

/** `"metrics.cpu.usage_ratio: Expected number"`: the one-line form for error replies. */
export function describeWireError(error: WireError): string {
  return `${error.path}: ${error.message}`;
}
