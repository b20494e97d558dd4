import type { Page, ServerListItem } from '@pharos/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';

const PAGE_SIZE = 100;
const REFRESH_MS = 10_000;

export interface ServerPages {
  /** Servers matching the filters, or null before the first answer. */
  total: number | null;
  server: (index: number) => ServerListItem | undefined;
  /** Loads the pages holding rows [start, end) if they are not loaded yet. */
  show: (start: number, end: number) => void;
  error: unknown;
  reload: () => void;
}

/**
 * The fleet list as pages of the servers API, fetched as rows scroll into view and refreshed
 * in the background (status, last seen) for the rows in view only. `query` holds the
 * filters and sort; a new query starts over.
 */
export function useServerPages(query: string): ServerPages {
  const pages = useRef(new Map<number, ServerListItem[]>());
  const inFlight = useRef(new Set<number>());
  const generation = useRef(0);
  const range = useRef<[number, number]>([0, 0]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<unknown>();
  const [, setVersion] = useState(0);

  const load = useCallback(
    (page: number, force = false) => {
      if (inFlight.current.has(page) || (!force && pages.current.has(page))) return;
      inFlight.current.add(page);
      const gen = generation.current;
      const sep = query ? '&' : '';
      api.get<Page<ServerListItem>>(`/api/v1/servers?${query}${sep}limit=${PAGE_SIZE}&offset=${page * PAGE_SIZE}`).then(
        (answer) => {
          if (gen !== generation.current) return;
          inFlight.current.delete(page);
          pages.current.set(page, answer.items);
          setTotal(answer.total);
          setError(undefined);
          setVersion((v) => v + 1);
        },
        (e: unknown) => {
          if (gen !== generation.current) return;
          inFlight.current.delete(page);
          setError(e);
        },
      );
    },
    [query],
  );

  const pagesOf = (start: number, end: number) => {
    const result: number[] = [];
    for (let p = Math.floor(start / PAGE_SIZE); p <= Math.floor(Math.max(start, end - 1) / PAGE_SIZE); p++) result.push(p);
    return result;
  };

  useEffect(() => {
    generation.current++;
    pages.current = new Map();
    inFlight.current = new Set();
    setTotal(null);
    setError(undefined);
    load(0);
  }, [load]);

  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      const [start, end] = range.current;
      for (const p of pagesOf(start, end)) load(p, true);
    }, REFRESH_MS);
    return () => clearInterval(id);
  }, [load]);

  const show = useCallback(
    (start: number, end: number) => {
      range.current = [start, end];
      for (const p of pagesOf(start, end)) load(p);
    },
    [load],
  );

  return {
    total,
    server: (index) => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    show,
    error,
    reload: () => {
      const [start, end] = range.current;
      for (const p of pagesOf(start, end)) load(p, true);
    },
  };
}
