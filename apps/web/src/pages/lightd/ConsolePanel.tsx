import type { ConsoleProxyClientMessage, ConsoleProxyServerMessage, ConsoleRelayedEvent, LightdPowerActionName, LightdStatsEvent } from '@pharos/protocol';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useLiveSocket } from '../../app/useLiveSocket';
import { LiveBadge } from '../../components/Status';
import { bytes, percent } from '../../format/units';
import { useT } from '../../i18n/i18n';

interface ConsoleLine {
  id: number;
  /** `cmd`: something this admin sent, `pending` until Pharos relayed it, `failed` when it could not. */
  kind: 'out' | 'sys' | 'err' | 'cmd' | 'pending' | 'failed';
  text: string;
}

const MAX_LINES = 2000;
const POWER_ACTIONS: LightdPowerActionName[] = ['start', 'restart', 'kill'];

/** Pharos's own messages (tagged `type`), as opposed to the daemon's events it relays (tagged `event`). */
type OwnMessage = Exclude<ConsoleProxyServerMessage, ConsoleRelayedEvent>;
function isOwn(message: ConsoleProxyServerMessage): message is OwnMessage {
  return typeof (message as { type?: unknown }).type === 'string';
}

/** A container's usage, as the daemon's latest `stats` said (Lightd sends them when they change). */
function isStats(message: ConsoleRelayedEvent): message is LightdStatsEvent {
  return message.event === 'stats' && typeof (message as Partial<LightdStatsEvent>).cpu_usage === 'number';
}

/**
 * The container's live console through Pharos (`@pharos/protocol`'s console proxy): output, a
 * command line and power actions, and the container's CPU and memory from its stats. What the
 * admin sends shows once, as sent: pending until Pharos answers `relayed`, or failed with its
 * `error` (Pharos answers each message in order).
 */
export function ConsolePanel({ containerId }: { containerId: string }) {
  const t = useT();
  const [lines, setLines] = useState<ConsoleLine[]>([]);
  const [canDrive, setCanDrive] = useState(false);
  const [stats, setStats] = useState<LightdStatsEvent | null>(null);
  const [input, setInput] = useState('');
  const nextId = useRef(0);
  const unanswered = useRef<number[]>([]);
  const view = useRef<HTMLDivElement>(null);

  const add = (kind: ConsoleLine['kind'], text: string): number => {
    const added = text
      .replace(/\n$/, '')
      .split('\n')
      .map((part) => ({ id: nextId.current++, kind, text: part }));
    setLines((prev) => [...prev, ...added].slice(-MAX_LINES));
    return added[0]!.id;
  };
  /** Settles the oldest message still waiting for Pharos's answer. */
  const answer = (kind: 'cmd' | 'failed', error?: string): boolean => {
    const id = unanswered.current.shift();
    if (id === undefined) return false;
    setLines((prev) => prev.map((l) => (l.id === id ? { ...l, kind, text: error ? `${l.text}  ✕ ${error}` : l.text } : l)));
    return true;
  };

  const onMessage = (m: ConsoleProxyServerMessage) => {
    if (isOwn(m)) {
      switch (m.type) {
        case 'attached':
          return setCanDrive(m.can_drive);
        case 'upstream':
          add(m.state === 'disconnected' ? 'err' : 'sys', `[${t.daemonLink(m.state)}]${m.message ? ` ${m.message}` : ''}`);
          return;
        case 'relayed':
          answer('cmd');
          return;
        case 'error':
          if (!answer('failed', m.message)) add('err', m.message);
          return;
      }
      return;
    }
    if (isStats(m)) return setStats(m);
    // The daemon's other events: console chunks and log lines, state changes, its messages.
    if (m.event === 'console' || m.event === 'logs') add('out', String(m.data ?? ''));
    else if (m.event === 'event') add('sys', `[${t.containerState}] ${String(m.data ?? '')}`);
    else if (m.event === 'daemon_message') add('sys', String(m.data ?? ''));
  };

  const live = useLiveSocket<ConsoleProxyServerMessage, ConsoleProxyClientMessage>(`/api/v1/ws/containers/${containerId}/console`, onMessage, {
    // A new connection answers only what is sent on it.
    onOpen: () => {
      for (const id of unanswered.current.splice(0)) setLines((prev) => prev.map((l) => (l.id === id && l.kind === 'pending' ? { ...l, kind: 'failed', text: `${l.text}  ✕ ${t.notConfirmed}` } : l)));
    },
  });

  useEffect(() => {
    const el = view.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);

  const send = (message: ConsoleProxyClientMessage, echo: string) => {
    if (!live.send(message)) {
      add('err', t.consoleNotConnected);
      return;
    }
    unanswered.current.push(add('pending', echo));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!input.trim()) return;
    send({ event: 'send_command', command: `${input}\n` }, `> ${input}`);
    setInput('');
  };
  const powerWords: Record<LightdPowerActionName, string> = { start: t.powerStart, restart: t.powerRestart, kill: t.powerKill };

  return (
    <div className="card card-pad stack">
      <div className="row">
        <LiveBadge state={live.state} detail={live.detail} />
        <span className="spacer" />
        <button type="button" onClick={() => send({ event: 'request_logs' }, `— ${t.requestedLogs} —`)}>
          {t.requestLogs}
        </button>
        {canDrive &&
          POWER_ACTIONS.map((action) => (
            <button key={action} type="button" onClick={() => send({ event: 'power', action }, `— ${powerWords[action]} —`)}>
              {powerWords[action]}
            </button>
          ))}
      </div>
      <ContainerStats stats={stats} />
      <div className="console" ref={view} role="log" aria-label={t.consoleOutput} tabIndex={0}>
        {lines.length === 0 && <span className="sys">{t.waitingForConsole}</span>}
        {lines.map((l) => (
          <div key={l.id} className={l.kind === 'out' ? undefined : l.kind}>
            {l.text}
          </div>
        ))}
      </div>
      {canDrive && (
        <form className="console-input" onSubmit={submit}>
          <input value={input} onChange={(e) => setInput(e.target.value)} placeholder={t.consoleCommandPlaceholder} aria-label={t.consoleCommand} maxLength={4000} />
          <button type="submit" className="primary">
            {t.send}
          </button>
        </form>
      )}
    </div>
  );
}

/** The container's CPU (100 % = one core) and memory of its limit, from the latest stats. */
function ContainerStats({ stats }: { stats: LightdStatsEvent | null }) {
  const t = useT();
  if (!stats) return null;
  const memoryShare = stats.memory_limit > 0 ? (100 * stats.memory_usage) / stats.memory_limit : null;
  return (
    <span className="container-stats small" aria-label={t.containerUsage}>
      <span>
        {t.cpu} <strong className="num">{percent(stats.cpu_usage, 1)}</strong>
      </span>
      <span>
        {t.memory} <strong className="num">{bytes(stats.memory_usage)}</strong>
        {stats.memory_limit > 0 && <span className="muted"> / {bytes(stats.memory_limit)}</span>}
        {memoryShare !== null && <span className="muted"> ({percent(memoryShare)})</span>}
      </span>
    </span>
  );
}
