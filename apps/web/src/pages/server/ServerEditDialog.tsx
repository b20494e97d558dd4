import type { ServerView } from '@pharos/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { navigate } from '../../app/router';
import { Dialog } from '../../components/Dialog';
import { InlineError } from '../../components/States';

/** Rename, group, tag a server, turn its commands on or off, or remove it. */
export function ServerEditDialog({ server, open, onClose, onSaved }: { server: ServerView; open: boolean; onClose: () => void; onSaved: (s: ServerView) => void }) {
  const [name, setName] = useState(server.name);
  const [group, setGroup] = useState(server.group ?? '');
  const [tags, setTags] = useState(server.tags.join(', '));
  const [commandsEnabled, setCommandsEnabled] = useState(server.commandsEnabled);
  const save = useAction(() =>
    api.patch<ServerView>(`/api/v1/servers/${server.id}`, {
      name: name.trim(),
      group: group.trim() || null,
      tags: tags.split(',').map((t) => t.trim()).filter(Boolean),
      ...(server.source === 'agent' ? { commandsEnabled } : {}),
    }),
  );
  const remove = useAction(() => api.delete<void>(`/api/v1/servers/${server.id}`));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await save.run();
    if (saved) onSaved(saved);
  };

  return (
    <Dialog title={`Edit ${server.name}`} open={open} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} />
        </label>
        <div className="form-row">
          <label>
            Group
            <input value={group} onChange={(e) => setGroup(e.target.value)} maxLength={64} placeholder="e.g. web" />
          </label>
          <label>
            Tags
            <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="prod, eu" />
          </label>
        </div>
        {server.source === 'agent' && (
          <label className="row" style={{ display: 'flex' }}>
            <input type="checkbox" checked={commandsEnabled} onChange={(e) => setCommandsEnabled(e.target.checked)} style={{ height: 'auto' }} />
            <span style={{ color: 'var(--text)' }}>Allow commands and Docker actions on this server</span>
          </label>
        )}
        <InlineError error={save.error ?? remove.error} />
        <div className="actions">
          <button
            type="button"
            className="danger"
            style={{ marginRight: 'auto' }}
            disabled={remove.busy}
            onClick={async () => {
              if (!confirm(`Remove ${server.name}? Its history goes with it, and its ${server.source === 'agent' ? 'agent keys' : 'node secret'} stop working.`)) return;
              if ((await remove.run()) !== undefined || !remove.error) navigate('/');
            }}
          >
            Remove server
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={save.busy}>
            {save.busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
