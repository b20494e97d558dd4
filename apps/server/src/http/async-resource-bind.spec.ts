import { AsyncResource, executionAsyncId } from 'node:async_hooks';
import { useLeanAsyncResourceBind } from './async-resource-bind';

describe('useLeanAsyncResourceBind', () => {
  beforeAll(() => useLeanAsyncResourceBind());

  it('runs the bound function in the resource\'s async scope with its this and arguments', () => {
    const resource = new AsyncResource('test');
    function add(this: { base: number } | undefined, a: number, b: number) {
      return { id: executionAsyncId(), sum: (this?.base ?? 0) + a + b };
    }
    const unbound = resource.bind(add);
    expect(unbound.length).toBe(2);
    expect(unbound.call({ base: 10 }, 1, 2)).toEqual({ id: resource.asyncId(), sum: 13 });
    const withThis = resource.bind(add, { base: 100 });
    expect(withThis(1, 2)).toEqual({ id: resource.asyncId(), sum: 103 });
    expect(AsyncResource.bind(add)(3, 4).sum).toBe(7);
    expect(Object.getOwnPropertyDescriptor(unbound, 'asyncResource')).toBeUndefined();
    expect(() => resource.bind(42 as unknown as () => void)).toThrow(TypeError);
  });
});
