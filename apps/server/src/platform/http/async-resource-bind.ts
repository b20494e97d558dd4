import { AsyncResource } from 'node:async_hooks';

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Node 20's `AsyncResource.prototype.bind` gives every bound function a deprecated
 * `asyncResource` accessor (DEP0172), built from two fresh `deprecate()` wrappers per call.
 * Fastify binds one function per request body it parses, and under load that accessor was
 * ~7 % of Pharos's CPU time on `POST /update` and `/api/node/metrics`. Where Node still builds
 * it, `bind` is replaced, once, by the same binding without the deprecated property (the
 * function runs in the resource's async scope with the same `this` and arguments).
 */
export function useLeanAsyncResourceBind(): void {
  const probe = new AsyncResource('pharos-probe').bind(() => undefined);
  if (!Object.getOwnPropertyDescriptor(probe, 'asyncResource')) return;
  const boundTo = (resource: AsyncResource, fn: AnyFunction, thisArg: unknown): AnyFunction =>
    thisArg === undefined
      ? function (this: unknown, ...args: unknown[]) {
          return resource.runInAsyncScope(fn, this, ...args);
        }
      : (...args: unknown[]) => resource.runInAsyncScope(fn, thisArg, ...args);
  function bind(this: AsyncResource, fn: AnyFunction, thisArg?: unknown): AnyFunction {
    if (typeof fn !== 'function') throw new TypeError('The "fn" argument must be of type function');
    const bound = boundTo(this, fn, thisArg);
    Object.defineProperty(bound, 'length', { configurable: true, enumerable: false, value: fn.length, writable: false });
    return bound;
  }
  AsyncResource.prototype.bind = bind as typeof AsyncResource.prototype.bind;
}
