/** A coloured dot and its word: online, offline, ready, failed… (colour is never the only cue). */
export function StatusBadge({ status, label }: { status: string | null; label?: string }) {
  const value = status ?? 'unknown';
  return (
    <span className={`status status-${value}`}>
      <span className="dot" aria-hidden />
      {label ?? STATUS_WORDS[value] ?? value}
    </span>
  );
}

const STATUS_WORDS: Record<string, string> = {
  unknown: 'never seen',
  online: 'online',
  offline: 'offline',
  installing: 'installing',
  ready: 'ready',
  failed: 'failed',
  pending: 'pending',
  sent: 'running',
  completed: 'completed',
  timed_out: 'timed out',
};

/** A live view's connection, beside its title. */
export function LiveBadge({ state, detail }: { state: 'connecting' | 'live' | 'reconnecting' | 'stopped'; detail?: string }) {
  const words = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', stopped: 'stopped' } as const;
  return (
    <span className={`live-badge live-${state}`} title={detail} data-state={state}>
      <span className="dot" aria-hidden />
      {words[state]}
      {state === 'stopped' && detail ? `: ${detail}` : ''}
    </span>
  );
}
