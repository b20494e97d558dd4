import type { ServerListItem } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { ConfirmDialog, Dialog, DialogForm } from '../../components/Dialog';
import { errorText } from '../../components/States';
import { useT } from '../../i18n/i18n';

type Action = 'command' | 'tag' | 'delete';

/** How each selected server fared: done, skipped (with why), or failed (with the error). */
interface Outcome {
  done: number;
  skipped: number;
  failed: { name: string; error: string }[];
}

/** Runs `work` for each server, four at a time, and tells how it went for each. */
async function forEach(servers: ServerListItem[], work: (s: ServerListItem) => Promise<'done' | 'skipped'>): Promise<Outcome> {
  const outcome: Outcome = { done: 0, skipped: 0, failed: [] };
  const queue = [...servers];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      try {
        outcome[await work(s)]++;
      } catch (error) {
        outcome.failed.push({ name: s.name, error: errorText(error) });
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return outcome;
}

/**
 * What admins can do to many servers at once: run a shell command on the agents among them,
 * add a tag, or remove them. Each asks first, then says how it went for each server (and
 * the selection stays, for the next action, until cleared or its servers removed).
 */
export function BulkActions({ selected, onClear, onDone }: { selected: ServerListItem[]; onClear: () => void; onDone: () => void }) {
  const t = useT();
  const [open, setOpen] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [command, setCommand] = useState('');
  const [tag, setTag] = useState('');
  const agents = selected.filter((s) => s.source === 'agent' && s.commandsEnabled);

  const run = async (work: (s: ServerListItem) => Promise<'done' | 'skipped'>) => {
    setBusy(true);
    const result = await forEach(selected, work);
    setBusy(false);
    setOutcome(result);
    setOpen(null);
    onDone();
  };
  const runCommand = () => {
    if (!command.trim()) return;
    void run(async (s) => {
      if (s.source !== 'agent' || !s.commandsEnabled) return 'skipped';
      await api.post(`/api/v1/servers/${s.id}/commands`, { command });
      return 'done';
    });
  };
  const addTag = () => {
    const name = tag.trim();
    if (!name) return;
    void run(async (s) => {
      if (s.tags.includes(name)) return 'skipped';
      await api.patch(`/api/v1/servers/${s.id}`, { tags: [...s.tags, name] });
      return 'done';
    });
  };

  if (selected.length === 0 && !outcome) return null;
  return (
    <div className="bulk-bar" role="region" aria-label={t.bulkActions}>
      {selected.length > 0 && (
        <>
          <strong>{t.nSelected(selected.length)}</strong>
          <button type="button" onClick={() => setOpen('command')} disabled={busy}>
            {t.runCommandEllipsis}
          </button>
          <button type="button" onClick={() => setOpen('tag')} disabled={busy}>
            {t.addTagEllipsis}
          </button>
          <button type="button" className="danger" onClick={() => setOpen('delete')} disabled={busy}>
            {t.removeEllipsis}
          </button>
          <button type="button" className="ghost" onClick={onClear}>
            {t.clearSelection}
          </button>
        </>
      )}
      {outcome && (
        <p className="small" role="status">
          {t.bulkOutcome(outcome.done, outcome.skipped)}
          {outcome.failed.map((f) => (
            <span key={f.name} className="bad">
              {' '}
              {f.name}: {f.error}
            </span>
          ))}{' '}
          <button type="button" className="small ghost" onClick={() => setOutcome(null)}>
            {t.close}
          </button>
        </p>
      )}

      <Dialog title={t.runOnServers(agents.length)} open={open === 'command'} onClose={() => setOpen(null)}>
        <DialogForm onSubmit={runCommand} onCancel={() => setOpen(null)} submit={t.run} busy={busy} disabled={agents.length === 0}>
          <label>
            {t.command}
            <input value={command} onChange={(e) => setCommand(e.target.value)} required autoComplete="off" spellCheck={false} placeholder="uptime" />
          </label>
          {agents.length < selected.length && <p className="hint">{t.commandsOnlyAgents(selected.length - agents.length)}</p>}
        </DialogForm>
      </Dialog>
      <Dialog title={t.addTagToServers(selected.length)} open={open === 'tag'} onClose={() => setOpen(null)}>
        <DialogForm onSubmit={addTag} onCancel={() => setOpen(null)} submit={t.addTag} busy={busy}>
          <label>
            {t.tag}
            <input value={tag} onChange={(e) => setTag(e.target.value)} required maxLength={64} />
          </label>
        </DialogForm>
      </Dialog>
      <ConfirmDialog
        title={t.removeServersTitle(selected.length)}
        open={open === 'delete'}
        confirmLabel={t.removeServers(selected.length)}
        danger
        busy={busy}
        onClose={() => setOpen(null)}
        onConfirm={() =>
          void run(async (s) => {
            await api.delete(`/api/v1/servers/${s.id}`);
            return 'done';
          }).then(onClear)
        }
      >
        <p>{t.removeServersDetail}</p>
        <p className="muted small">{selected.slice(0, 12).map((s) => s.name).join(', ') + (selected.length > 12 ? ', …' : '')}</p>
      </ConfirmDialog>
    </div>
  );
}
