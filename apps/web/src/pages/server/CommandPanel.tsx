import type { CommandView, DockerAction, ServerView } from '@pharos/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { InlineError } from '../../components/States';
import { CommandList } from './CommandList';

function disabledReason(server: ServerView, isAdmin: boolean): string | null {
  if (!isAdmin) return 'Only admins may run commands.';
  if (server.source !== 'agent') return 'Ithiltir nodes only report metrics: commands need an agent.';
  if (!server.commandsEnabled) return 'Commands are turned off for this server (see Edit).';
  return null;
}

/** Run a shell command on the server's agent and read its output. */
export function CommandPanel({ server, isAdmin, version }: { server: ServerView; isAdmin: boolean; version: number }) {
  const [command, setCommand] = useState('');
  const [sent, setSent] = useState(0);
  const [lastId, setLastId] = useState<string>();
  const send = useAction((line: string) => api.post<CommandView>(`/api/v1/servers/${server.id}/commands`, { command: line }));
  const reason = disabledReason(server, isAdmin);

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
    <section className="card card-pad stack" aria-label="Run a command">
      <form className="console-input" onSubmit={submit}>
        <input
          aria-label="Command"
          placeholder={reason ?? 'uptime && df -h'}
          value={command}
          onChange={(e) => setCommand(e.target.value)}
          disabled={Boolean(reason)}
          autoComplete="off"
          spellCheck={false}
        />
        <button type="submit" className="primary" disabled={Boolean(reason) || send.busy || !command.trim()}>
          {send.busy ? 'Sending…' : 'Run'}
        </button>
      </form>
      {reason && <p className="hint">{reason}</p>}
      {server.status !== 'online' && !reason && <p className="hint">The agent is not connected: the command waits until it reconnects (or expires).</p>}
      <InlineError error={send.error} />
      <CommandList serverId={server.id} kind="shell" version={version + sent} openId={lastId} />
    </section>
  );
}

const ACTION_WORDS: Record<DockerAction, string> = { start: 'Start', stop: 'Stop', restart: 'Restart', kill: 'Kill', pause: 'Pause', unpause: 'Unpause', remove: 'Remove' };
/**
 * `DOCKER_ACTIONS` in its order. The dashboard takes only types from @pharos/protocol (see
 * tsconfig.json), and the record above must name every `DockerAction`.
 */
const ACTIONS = Object.keys(ACTION_WORDS) as DockerAction[];
const DANGEROUS = new Set<DockerAction>(['kill', 'remove']);

/** Docker actions on one of the server's containers, by id or name, and their results. */
export function DockerPanel({ server, isAdmin, version }: { server: ServerView; isAdmin: boolean; version: number }) {
  const [container, setContainer] = useState('');
  const [sent, setSent] = useState(0);
  const [lastId, setLastId] = useState<string>();
  const send = useAction((action: DockerAction) => api.post<CommandView>(`/api/v1/servers/${server.id}/docker-commands`, { action, containerId: container.trim() }));
  const reason = disabledReason(server, isAdmin);
  const valid = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(container.trim());

  const act = async (action: DockerAction) => {
    if (DANGEROUS.has(action) && !confirm(`${ACTION_WORDS[action]} container ${container.trim()} on ${server.name}?`)) return;
    const created = await send.run(action);
    if (created) {
      setLastId(created.id);
      setSent((n) => n + 1);
    }
  };

  return (
    <section className="card card-pad stack" aria-label="Docker actions">
      <div className="row">
        <input aria-label="Container id or name" placeholder="Container id or name" value={container} onChange={(e) => setContainer(e.target.value)} disabled={Boolean(reason)} style={{ flex: '1 1 220px' }} spellCheck={false} />
        {ACTIONS.map((a) => (
          <button key={a} type="button" className={DANGEROUS.has(a) ? 'danger' : undefined} disabled={Boolean(reason) || !valid || send.busy} onClick={() => void act(a)}>
            {ACTION_WORDS[a]}
          </button>
        ))}
      </div>
      {reason && <p className="hint">{reason}</p>}
      <InlineError error={send.error} />
      <CommandList serverId={server.id} kind="docker" version={version + sent} openId={lastId} />
    </section>
  );
}
