import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';

export interface ApiResource<T> {
  data: T | undefined;
  error: unknown;
  /** True until the first answer for the current path (not during background refreshes). */
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `path` (nothing when null), again when it changes, and every `refreshMs` in the
 * background. The last data stays shown while a newer answer is on its way.
 */
export function useApi<T>(path: string | null, options: { refreshMs?: number } = {}): ApiResource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(path !== null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const loadedPath = useRef<string | null>(null);

  useEffect(() => {
    if (!path) return;
    let cancelled = false;
    if (loadedPath.current !== path) setLoading(true);
    api.get<T>(path).then(
      (value) => {
        if (cancelled) return;
        loadedPath.current = path;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (cancelled) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [path, version]);

  const refreshMs = options.refreshMs;
  useEffect(() => {
    if (!path || !refreshMs) return;
    const id = setInterval(() => {
      if (document.visibilityState === 'visible') setVersion((v) => v + 1);
    }, refreshMs);
    return () => clearInterval(id);
  }, [path, refreshMs]);

  return { data, error, loading, reload };
}

/** A write's progress for a button: busy while it runs, its error when it failed. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>): { run: (...args: A) => Promise<R | undefined>; busy: boolean; error: unknown; reset: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (...args: A) => {
    setBusy(true);
    setError(undefined);
    try {
      return await action(...args);
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, reset: () => setError(undefined) };
}
