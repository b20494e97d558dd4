import { AsyncResource, executionAsyncId } from 'node:async_hooks';
import { useLeanAsyncResourceBind } from './async-resource-bind';

describe('useLeanAsyncResourceBind', () => {
  beforeAll(() => useLeanAsyncResourceBind());

  it('runs the bound function in the resource\'s async scope with its this and arguments', () => {
    const resource = new AsyncResource('test');
    type Add = (this: unknown, a: number, b: number) => { id: number; sum: number };
    const add: Add = function (this: unknown, a: number, b: number) {
      return { id: executionAsyncId(), sum: ((this as { base?: number } | undefined)?.base ?? 0) + a + b };
    };
    // (Node's types declare bind(fn) only; its thisArg form is what Fastify does not use but Node has.)
    const bind = resource.bind.bind(resource) as (fn: Add, thisArg?: unknown) => Add;
    const unbound = bind(add);
    expect(unbound.length).toBe(2);
    expect(unbound.call({ base: 10 }, 1, 2)).toEqual({ id: resource.asyncId(), sum: 13 });
    expect(bind(add, { base: 100 })(1, 2)).toEqual({ id: resource.asyncId(), sum: 103 });
    expect(AsyncResource.bind(add)(3, 4).sum).toBe(7);
    expect(Object.getOwnPropertyDescriptor(unbound, 'asyncResource')).toBeUndefined();
    expect(() => resource.bind(42 as unknown as () => void)).toThrow(/must be of type function/);
  });
});
