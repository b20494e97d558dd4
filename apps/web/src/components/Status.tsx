import type { LiveState } from '../api/live-socket';
import type { Dictionary } from '../i18n/en';
import { useT } from '../i18n/i18n';

/** A coloured dot and its word: online, offline, ready, failed… (colour is never the only cue). */
export function StatusBadge({ status, label }: { status: string | null; label?: string }) {
  const t = useT();
  const value = status ?? 'unknown';
  return (
    <span className={`status status-${value}`}>
      <span className="dot" aria-hidden />
      {label ?? statusWord(t, value)}
    </span>
  );
}

/** The word for a status of a server, daemon, container or command, in the current language. */
export function statusWord(t: Dictionary, status: string): string {
  const known: Record<string, string> = {
    unknown: t.statusUnknown,
    online: t.statusOnline,
    offline: t.statusOffline,
    installing: t.statusInstalling,
    ready: t.statusReady,
    failed: t.statusFailed,
    pending: t.statusPending,
    sent: t.statusSent,
    completed: t.statusCompleted,
    timed_out: t.statusTimedOut,
  };
  return known[status] ?? status;
}

/** A live view's connection, beside its title. */
export function LiveBadge({ state, detail }: { state: LiveState; detail?: string }) {
  const t = useT();
  const words = { connecting: t.liveConnecting, live: t.liveLive, reconnecting: t.liveReconnecting, stopped: t.liveStopped } as const;
  return (
    <span className={`live-badge live-${state}`} title={detail} data-state={state}>
      <span className="dot" aria-hidden />
      {words[state]}
      {state === 'stopped' && detail ? `: ${detail}` : ''}
    </span>
  );
}

/** Alerts firing on a server, by severity: a red count for critical ones, amber for warnings. */
export function AlertBadge({ critical, warning }: { critical: number; warning: number }) {
  const t = useT();
  if (critical + warning === 0) return null;
  return (
    <span className={critical > 0 ? 'alert-badge critical' : 'alert-badge warning'} title={t.alertsFiringTitle(critical, warning)}>
      <span aria-hidden>▲</span> {t.alertsFiring(critical + warning)}
    </span>
  );
}
