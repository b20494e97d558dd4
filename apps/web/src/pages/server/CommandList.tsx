import type { CommandView, Page } from '@pharos/protocol';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useNow } from '../../app/hooks';
import { StatusBadge } from '../../components/Status';
import { ago, dateTime } from '../../format/time';
import { useT } from '../../i18n/i18n';

const FINAL = new Set(['completed', 'failed', 'timed_out']);
export const isFinished = (c: CommandView) => FINAL.has(c.state);

/**
 * A server's commands of one kind, newest first, with their results. While any is unfinished
 * the list refreshes itself every second; `version` bumps it from outside (a command sent, an
 * event seen on the log socket).
 */
export function CommandList({ serverId, kind, version, openId }: { serverId: string; kind: 'shell' | 'docker'; version: number; openId?: string }) {
  const [items, setItems] = useState<CommandView[] | null>(null);
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  const now = useNow(10_000);
  const t = useT();

  useEffect(() => {
    let cancelled = false;
    api.get<Page<CommandView>>(`/api/v1/servers/${serverId}/commands?kind=${kind}&limit=25`).then(
      (page) => {
        if (cancelled) return;
        setItems(page.items);
        setError(undefined);
      },
      (e: unknown) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [serverId, kind, version, tick]);

  const running = items?.some((c) => !isFinished(c)) ?? false;
  useEffect(() => {
    if (!running) return;
    const id = setTimeout(() => setTick((t) => t + 1), 1000);
    return () => clearTimeout(id);
  }, [running, items]);

  if (error && !items) return <p className="inline-error">{t.couldNotLoadCommands((error as Error).message)}</p>;
  if (!items) return <p className="muted small">{t.loading}</p>;
  if (items.length === 0) return <p className="muted small">{kind === 'shell' ? t.noCommandsYet : t.noDockerActionsYet}</p>;

  return (
    <div aria-label={kind === 'shell' ? t.tabCommands : t.dockerActions}>
      {items.map((c, i) => (
        <CommandItem key={c.id} command={c} now={now} open={c.id === openId || (openId === undefined && i === 0)} />
      ))}
    </div>
  );
}

function CommandItem({ command: c, now, open }: { command: CommandView; now: number; open: boolean }) {
  const t = useT();
  const [expanded, setExpanded] = useState(open);
  const label = c.kind === 'shell' ? c.command : `docker ${c.action} ${c.containerId}`;
  const resultWords =
    c.state === 'completed'
      ? c.kind === 'shell'
        ? t.exitCode(c.exitCode ?? '?')
        : c.success === false
          ? t.refused
          : t.done
      : c.state === 'pending'
        ? t.waitingForAgent
        : c.state === 'sent'
          ? t.running
          : null;
  const hasOutput = Boolean(c.output || c.message);
  return (
    <div className="command-item" data-command-id={c.id} data-state={c.state}>
      <div className="command-line">
        <StatusBadge status={c.state === 'completed' && (c.exitCode ?? 0) !== 0 ? 'failed' : c.state} label={c.state === 'completed' && (c.exitCode ?? 0) !== 0 ? t.statusCompleted : undefined} />
        <code className="truncate">{label}</code>
        <span className="spacer" />
        {resultWords && <span className={c.state === 'completed' && (c.exitCode ?? 0) === 0 && c.success !== false ? 'muted small' : 'small bad'}>{resultWords}</span>}
        {c.durationMs !== null && <span className="muted small">{c.durationMs < 1000 ? `${c.durationMs} ms` : `${(c.durationMs / 1000).toFixed(1)} s`}</span>}
        <span className="muted small" title={dateTime(c.requestedAt)}>
          {ago(c.requestedAt, now)}
        </span>
        {hasOutput && (
          <button type="button" className="small ghost" onClick={() => setExpanded(!expanded)} aria-expanded={expanded}>
            {expanded ? t.hideOutput : t.output}
          </button>
        )}
      </div>
      {expanded && hasOutput && (
        <pre className="output" aria-label={t.commandOutput}>
          {c.output}
          {c.message && (c.output ? `\n${c.message}` : c.message)}
        </pre>
      )}
    </div>
  );
}
