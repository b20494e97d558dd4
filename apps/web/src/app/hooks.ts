import { type RefObject, useEffect, useLayoutEffect, useRef, useState } from 'react';

/** Calls `callback` every `ms` while mounted (and not when `ms` is null). */
export function useInterval(callback: () => void, ms: number | null): void {
  const saved = useRef(callback);
  saved.current = callback;
  useEffect(() => {
    if (ms === null) return;
    const id = setInterval(() => saved.current(), ms);
    return () => clearInterval(id);
  }, [ms]);
}

/** The current time, re-read every `ms`: for "12s ago" labels that keep up. */
export function useNow(ms = 5000): number {
  const [now, setNow] = useState(Date.now);
  useInterval(() => setNow(Date.now()), ms);
  return now;
}

/** `value`, once it stopped changing for `ms` (e.g. a search box). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return settled;
}

/**
 * The width of an element, kept up to date as it resizes (measured before the first paint),
 * for layouts that depend on the room a component has rather than on the window.
 */
export function useElementWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(el.getBoundingClientRect().width);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}
