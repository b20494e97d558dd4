import { Type } from '@sinclair/typebox';
import { compileValidator, describeWireError, pointerToPath } from './validation';

describe('wire validation', () => {
  const Sample = Type.Object({
    name: Type.String(),
    items: Type.Array(Type.Object({ id: Type.Integer(), tag: Type.Optional(Type.String()) })),
  });
  const validator = compileValidator(Sample);

  it('accepts a valid message and keeps unknown fields', () => {
    const value = { name: 'x', items: [{ id: 1 }], extra: true };
    expect(validator.validate(value)).toEqual({ ok: true, value });
  });

  it('names the deepest offending field', () => {
    const result = validator.validate({ name: 'x', items: [{ id: 1 }, { id: 'two' }] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(describeWireError(result.error)).toBe('items[1].id: Expected integer');
  });

  it('reports a missing field by its path', () => {
    const result = validator.validate({ items: [] });
    expect(!result.ok && result.error.path).toBe('name');
  });

  it('turns JSON pointers into dotted paths', () => {
    expect(pointerToPath('')).toBe('(root)');
    expect(pointerToPath('/metrics/disk/physical/0/name')).toBe('metrics.disk.physical[0].name');
    expect(pointerToPath('/a~1b')).toBe('a/b');
  });
});
