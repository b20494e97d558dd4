import { useEffect, useRef, useState } from 'react';
import { LiveSocket, type LiveState } from '../api/live-socket';

export interface LiveConnection<C> {
  state: LiveState;
  /** Why it is reconnecting or stopped, when Pharos said. */
  detail?: string;
  send: (message: C) => boolean;
}

/**
 * Holds one live socket to `path` while mounted (none when `path` is null). Messages go to
 * `onMessage`, which may change between renders without reconnecting.
 */
export function useLiveSocket<M, C = unknown>(
  path: string | null,
  onMessage: (message: M) => void,
  options: { ping?: boolean; onOpen?: () => void } = {},
): LiveConnection<C> {
  const [state, setState] = useState<{ state: LiveState; detail?: string }>({ state: 'connecting' });
  const handler = useRef(onMessage);
  handler.current = onMessage;
  const onOpen = useRef(options.onOpen);
  onOpen.current = options.onOpen;
  const socket = useRef<LiveSocket<M, C> | null>(null);
  const ping = options.ping ?? false;

  useEffect(() => {
    if (!path) return;
    const live = new LiveSocket<M, C>(path, {
      onMessage: (m) => handler.current(m),
      onState: (s, detail) => setState((prev) => (prev.state === s && prev.detail === detail ? prev : { state: s, detail })),
      onOpen: () => onOpen.current?.(),
      ping,
    }).start();
    socket.current = live;
    return () => {
      live.stop();
      socket.current = null;
    };
  }, [path, ping]);

  return { ...state, send: (message: C) => socket.current?.send(message) ?? false };
}
