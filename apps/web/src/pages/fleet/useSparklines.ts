import type { FleetSparklines, ServerSparklines } from '@pharos/protocol';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';

const POLL_MS = 5000;

/**
 * Recent metrics of the servers in view, polled together in one request: the fleet list's
 * sparklines stay live without a socket per row. Answers are kept by server, so rows that
 * scroll back into view draw at once.
 */
export function useSparklines(serverIds: string[]): (id: string) => ServerSparklines | undefined {
  const cache = useRef(new Map<string, ServerSparklines>());
  const [, setVersion] = useState(0);
  const key = [...serverIds].sort().join(',');

  useEffect(() => {
    if (!key) return;
    let cancelled = false;
    const poll = async () => {
      if (document.visibilityState !== 'visible') return;
      try {
        const answer = await api.get<FleetSparklines>(`/api/v1/metrics/sparklines?servers=${key}`);
        if (cancelled) return;
        for (const [id, lines] of Object.entries(answer.servers)) cache.current.set(id, lines);
        setVersion((v) => v + 1);
      } catch {
        // A missed poll leaves the last lines up; the next one tries again.
      }
    };
    // Scrolling changes the rows quickly: ask once they settle.
    const first = setTimeout(() => void poll(), 150);
    const id = setInterval(() => void poll(), POLL_MS);
    return () => {
      cancelled = true;
      clearTimeout(first);
      clearInterval(id);
    };
  }, [key]);

  return (id) => cache.current.get(id);
}
