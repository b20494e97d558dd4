import type { CommandView, DockerAction, ServerView } from '@pharos/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { InlineError } from '../../components/States';
import { CommandList } from './CommandList';
import type { Dictionary } from '../../i18n/en';
import { useT } from '../../i18n/i18n';

function disabledReason(t: Dictionary, server: ServerView, isAdmin: boolean): string | null {
  if (!isAdmin) return t.onlyAdminsRunCommands;
  if (server.source !== 'agent') return t.nodesOnlyReport;
  if (!server.commandsEnabled) return t.commandsTurnedOff;
  return null;
}

/** Run a shell command on the server's agent and read its output. */
export function CommandPanel({ server, isAdmin, version }: { server: ServerView; isAdmin: boolean; version: number }) {
  const t = useT();
  const [command, setCommand] = useState('');
  const [sent, setSent] = useState(0);
  const [lastId, setLastId] = useState<string>();
  const send = useAction((line: string) => api.post<CommandView>(`/api/v1/servers/${server.id}/commands`, { command: line }));
  const reason = disabledReason(t, server, isAdmin);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!command.trim()) return;
    const created = await send.run(command);
    if (created) {
      setLastId(created.id);
      setSent((n) => n + 1);
      setCommand('');
    }
  };

  return (
    <section className="card card-pad stack" aria-label={t.runACommand}>
      <form className="console-input" onSubmit={submit}>
        <input
          aria-label={t.command}
          placeholder={reason ?? 'uptime && df -h'}
          value={command}
          onChange={(e) => setCommand(e.target.value)}
          disabled={Boolean(reason)}
          autoComplete="off"
          spellCheck={false}
        />
        <button type="submit" className="primary" disabled={Boolean(reason) || send.busy || !command.trim()}>
          {send.busy ? t.sending : t.run}
        </button>
      </form>
      {reason && <p className="hint">{reason}</p>}
      {server.status !== 'online' && !reason && <p className="hint">{t.agentNotConnected}</p>}
      <InlineError error={send.error} />
      <CommandList serverId={server.id} kind="shell" version={version + sent} openId={lastId} />
    </section>
  );
}

/**
 * Each Docker action's word, in `DOCKER_ACTIONS` order: the dashboard takes only types from
 * @pharos/protocol (see tsconfig.json), and this record must name every `DockerAction`.
 */
const actionWords = (t: Dictionary): Record<DockerAction, string> => ({
  start: t.dockerStart,
  stop: t.dockerStop,
  restart: t.dockerRestart,
  kill: t.dockerKill,
  pause: t.dockerPause,
  unpause: t.dockerUnpause,
  remove: t.dockerRemove,
});
const DANGEROUS = new Set<DockerAction>(['kill', 'remove']);

/** Docker actions on one of the server's containers, by id or name, and their results. */
export function DockerPanel({ server, isAdmin, version }: { server: ServerView; isAdmin: boolean; version: number }) {
  const t = useT();
  const words = actionWords(t);
  const actions = Object.keys(words) as DockerAction[];
  const [container, setContainer] = useState('');
  const [sent, setSent] = useState(0);
  const [lastId, setLastId] = useState<string>();
  const send = useAction((action: DockerAction) => api.post<CommandView>(`/api/v1/servers/${server.id}/docker-commands`, { action, containerId: container.trim() }));
  const reason = disabledReason(t, server, isAdmin);
  const valid = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(container.trim());

  const act = async (action: DockerAction) => {
    if (DANGEROUS.has(action) && !confirm(t.confirmDockerAction(words[action], container.trim(), server.name))) return;
    const created = await send.run(action);
    if (created) {
      setLastId(created.id);
      setSent((n) => n + 1);
    }
  };

  return (
    <section className="card card-pad stack" aria-label={t.dockerActions}>
      <div className="row">
        <input aria-label={t.containerIdOrName} placeholder={t.containerIdOrName} value={container} onChange={(e) => setContainer(e.target.value)} disabled={Boolean(reason)} style={{ flex: '1 1 220px' }} spellCheck={false} />
        {actions.map((a) => (
          <button key={a} type="button" className={DANGEROUS.has(a) ? 'danger' : undefined} disabled={Boolean(reason) || !valid || send.busy} onClick={() => void act(a)}>
            {words[a]}
          </button>
        ))}
      </div>
      {reason && <p className="hint">{reason}</p>}
      <InlineError error={send.error} />
      <CommandList serverId={server.id} kind="docker" version={version + sent} openId={lastId} />
    </section>
  );
}
