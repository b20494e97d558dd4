import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useLiveSocket } from '../../app/useLiveSocket';
import { LiveBadge } from '../../components/Status';

/** What the console socket sends: Pharos's own messages and the daemon's container events. */
type ConsoleMessage =
  | { type: 'attached'; can_drive: boolean }
  | { type: 'error'; message: string }
  | { type: 'upstream'; state: string; message: string }
  | { event: 'console' | 'logs' | 'daemon_message' | 'event'; data: string }
  | { event: 'stats'; data: unknown };

type ConsoleCommand = { event: 'send_command'; command: string } | { event: 'power'; action: 'start' | 'kill' | 'restart' } | { event: 'request_logs' };

interface ConsoleLine {
  id: number;
  kind: 'out' | 'sys' | 'err' | 'cmd';
  text: string;
}

const MAX_LINES = 2000;
const POWER_ACTIONS = ['start', 'restart', 'kill'] as const;

/** The container's live console through Pharos: output, a command line and power actions. */
export function ConsolePanel({ containerId }: { containerId: string }) {
  const [lines, setLines] = useState<ConsoleLine[]>([]);
  const [canDrive, setCanDrive] = useState(false);
  const [input, setInput] = useState('');
  const nextId = useRef(0);
  const view = useRef<HTMLDivElement>(null);

  const add = (kind: ConsoleLine['kind'], text: string) => {
    const parts = text.replace(/\n$/, '').split('\n');
    setLines((prev) => [...prev, ...parts.map((t) => ({ id: nextId.current++, kind, text: t }))].slice(-MAX_LINES));
  };

  const live = useLiveSocket<ConsoleMessage, ConsoleCommand>(`/api/v1/ws/containers/${containerId}/console`, (m) => {
    if ('type' in m) {
      if (m.type === 'attached') setCanDrive(m.can_drive);
      else if (m.type === 'upstream') add(m.state === 'connected' || m.state === 'connecting' ? 'sys' : 'err', `[daemon ${m.state}]${m.message ? ` ${m.message}` : ''}`);
      else add('err', m.message);
      return;
    }
    if (m.event === 'stats') return;
    if (m.event === 'console' || m.event === 'logs') add('out', m.data);
    else add('sys', m.event === 'event' ? `[state] ${m.data}` : m.data);
  });

  useEffect(() => {
    const el = view.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);

  const send = (command: ConsoleCommand, echo: string) => {
    if (live.send(command)) add('cmd', echo);
    else add('err', 'The console is not connected: nothing was sent.');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!input.trim()) return;
    send({ event: 'send_command', command: `${input}\n` }, `> ${input}`);
    setInput('');
  };

  return (
    <div className="card card-pad stack">
      <div className="row">
        <LiveBadge state={live.state} detail={live.detail} />
        <span className="spacer" />
        <button type="button" onClick={() => send({ event: 'request_logs' }, '— requested logs —')}>
          Request logs
        </button>
        {canDrive &&
          POWER_ACTIONS.map((action) => (
            <button key={action} type="button" onClick={() => send({ event: 'power', action }, `— ${action} —`)}>
              {action[0]!.toUpperCase() + action.slice(1)}
            </button>
          ))}
      </div>
      <div className="console" ref={view} role="log" aria-label="Console output">
        {lines.length === 0 && <span className="sys">Waiting for console output…</span>}
        {lines.map((l) => (
          <div key={l.id} className={l.kind === 'out' ? undefined : l.kind}>
            {l.text}
          </div>
        ))}
      </div>
      {canDrive && (
        <form className="console-input" onSubmit={submit}>
          <input value={input} onChange={(e) => setInput(e.target.value)} placeholder="Command for the container" aria-label="Console command" maxLength={4000} />
          <button type="submit" className="primary">
            Send
          </button>
        </form>
      )}
    </div>
  );
}
