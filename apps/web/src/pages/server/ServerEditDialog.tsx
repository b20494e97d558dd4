import type { ServerView } from '@pharos/protocol';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../app/useApi';
import { navigate } from '../../app/router';
import { Dialog } from '../../components/Dialog';
import { InlineError } from '../../components/States';
import { useT } from '../../i18n/i18n';

/** Rename, group, tag a server, turn its commands on or off, or remove it. */
export function ServerEditDialog({ server, open, onClose, onSaved }: { server: ServerView; open: boolean; onClose: () => void; onSaved: (s: ServerView) => void }) {
  const t = useT();
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
  const remove = useAction(async () => {
    await api.delete<void>(`/api/v1/servers/${server.id}`);
    return true;
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await save.run();
    if (saved) onSaved(saved);
  };

  return (
    <Dialog title={t.editServer(server.name)} open={open} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <label>
          {t.name}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} />
        </label>
        <div className="form-row">
          <label>
            {t.group}
            <input value={group} onChange={(e) => setGroup(e.target.value)} maxLength={64} placeholder={t.groupPlaceholder} />
          </label>
          <label>
            {t.tags}
            <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="prod, eu" />
          </label>
        </div>
        {server.source === 'agent' && (
          <label className="checkbox-row">
            <input type="checkbox" checked={commandsEnabled} onChange={(e) => setCommandsEnabled(e.target.checked)} />
            <span>{t.allowCommands}</span>
          </label>
        )}
        <InlineError error={save.error ?? remove.error} />
        <div className="actions">
          <button
            type="button"
            className="danger push-left"
            disabled={remove.busy}
            onClick={async () => {
              if (!confirm(t.confirmRemoveServer(server.name, server.source === 'agent'))) return;
              if (await remove.run()) navigate('/');
            }}
          >
            {t.removeServer}
          </button>
          <button type="button" onClick={onClose}>
            {t.cancel}
          </button>
          <button type="submit" className="primary" disabled={save.busy}>
            {save.busy ? t.saving : t.save}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
