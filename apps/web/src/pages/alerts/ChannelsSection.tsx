import { useState } from 'react';
import { api } from '../../api/client';
import { useAction, useApi } from '../../app/useApi';
import { ActionForm } from '../../components/ActionForm';
import { type Column, DataTable } from '../../components/DataTable';
import { Dialog, DialogForm } from '../../components/Dialog';
import { StatusBadge } from '../../components/Status';
import { Empty, InlineError, Loaded } from '../../components/States';
import { dateTime } from '../../format/time';
import { useT } from '../../i18n/i18n';
import type { ChannelDetail, ChannelView, DeliveryAttemptView } from '@pharos/protocol';

/** The channels: test one, open one (edit it, see its recent deliveries), delete one. */
export function ChannelTable({ channels, isAdmin, onChanged }: { channels: ChannelView[]; isAdmin: boolean; onChanged: () => void }) {
  const t = useT();
  const [tested, setTested] = useState<Record<string, { ok: boolean; error?: string }>>({});
  const [opened, setOpened] = useState<ChannelView | null>(null);
  const test = useAction(async (c: ChannelView) => {
    const result = await api.post<{ ok: boolean; error?: string }>(`/api/v1/alerts/channels/${c.id}/test`);
    setTested((now) => ({ ...now, [c.id]: result }));
    onChanged();
  });
  const remove = useAction(async (c: ChannelView) => {
    await api.delete(`/api/v1/alerts/channels/${c.id}`);
    onChanged();
  });
  const columns: Column<ChannelView>[] = [
    { header: t.name, kind: 'title', cell: (c) => <strong>{c.name}</strong> },
    { header: t.channelKind, cell: (c) => c.kind },
    { header: t.channelUrl, className: 'small wrap', cell: (c) => <code>{c.url}</code> },
    { header: t.defaultChannel, cell: (c) => (c.isDefault ? t.yesWord : t.noWord) },
    {
      header: t.lastDelivery,
      className: 'small',
      cell: (c) => {
        const last = tested[c.id] ?? c.lastDelivery;
        if (!last) return <span className="muted">{t.never}</span>;
        return <StatusBadge status={last.ok ? 'completed' : 'failed'} label={last.ok ? t.delivered : `${t.notDelivered}: ${last.error ?? ''}`} />;
      },
    },
    { header: t.pendingNotifications, cell: (c) => c.pending },
    {
      header: t.actions,
      kind: 'actions',
      cell: (c) => (
        <>
          <button type="button" className="small" onClick={() => setOpened(c)} aria-label={`${isAdmin ? t.edit : t.deliveryHistory} ${c.name}`}>
            {isAdmin ? t.edit : t.deliveryHistory}
          </button>
          {isAdmin && (
            <>
              <button type="button" className="small" onClick={() => void test.run(c)} disabled={test.busy} aria-label={`${t.sendTest} ${c.name}`}>
                {t.sendTest}
              </button>
              <button type="button" className="small danger" onClick={() => void remove.run(c)} disabled={remove.busy} aria-label={`${t.deleteWord} ${c.name}`}>
                {t.deleteWord}
              </button>
            </>
          )}
        </>
      ),
    },
  ];
  return (
    <>
      <InlineError error={test.error ?? remove.error} />
      <DataTable label={t.alertChannels} columns={columns} rows={channels} empty={<Empty title={t.noChannels} />} rowAttributes={(c) => ({ 'data-channel': c.name })} />
      {opened && <ChannelDialog key={opened.id} channel={opened} isAdmin={isAdmin} onClose={() => setOpened(null)} onSaved={() => (setOpened(null), onChanged())} />}
    </>
  );
}

/**
 * One channel: its settings (admins may change them; the URL is shown redacted and a blank one
 * keeps it) and its latest delivery attempts, refreshed while open.
 */
function ChannelDialog({ channel, isAdmin, onClose, onSaved }: { channel: ChannelView; isAdmin: boolean; onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const detail = useApi<ChannelDetail>(`/api/v1/alerts/channels/${channel.id}`, { refreshMs: 5000 });
  const [name, setName] = useState(channel.name);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [removeSecret, setRemoveSecret] = useState(false);
  const [isDefault, setIsDefault] = useState(channel.isDefault);
  const [enabled, setEnabled] = useState(channel.enabled);
  const save = useAction(async () => {
    await api.patch(`/api/v1/alerts/channels/${channel.id}`, {
      name: name.trim(),
      isDefault,
      enabled,
      ...(url.trim() ? { url: url.trim() } : {}),
      ...(removeSecret ? { secret: '' } : secret ? { secret } : {}),
    });
    onSaved();
  });
  const attemptColumns: Column<DeliveryAttemptView & { id: string }>[] = [
    { header: t.time, kind: 'title', cell: (a) => dateTime(a.at) },
    { header: t.deliveryResult, cell: (a) => <StatusBadge status={a.ok ? 'completed' : 'failed'} label={a.ok ? t.delivered : t.notDelivered} /> },
    { header: t.httpStatus, cell: (a) => a.statusCode ?? '—' },
    { header: t.error, className: 'small wrap', cell: (a) => a.error ?? '' },
  ];
  return (
    <Dialog title={channel.name} open onClose={onClose} wide>
      {isAdmin && (
        <DialogForm onSubmit={() => void save.run()} onCancel={onClose} submit={t.saveChannel} busy={save.busy}>
          <div className="form-row">
            <label>
              {t.name}
              <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} />
            </label>
            <label className="grow">
              {t.channelNewUrl}
              <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder={channel.url} autoComplete="off" />
            </label>
          </div>
          <p className="hint">{t.channelUrlNow(channel.url)}</p>
          <div className="form-row">
            <label>
              {t.channelNewSecret}
              <input value={secret} onChange={(e) => setSecret(e.target.value)} type="password" autoComplete="new-password" minLength={16} disabled={removeSecret} />
            </label>
            {channel.hasSecret && (
              <label className="checkbox-row">
                <input type="checkbox" checked={removeSecret} onChange={(e) => setRemoveSecret(e.target.checked)} />
                <span>{t.removeSecret}</span>
              </label>
            )}
            <label className="checkbox-row">
              <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />
              <span>{t.defaultChannelField}</span>
            </label>
            <label className="checkbox-row">
              <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
              <span>{t.ruleEnabledField}</span>
            </label>
          </div>
          <InlineError error={save.error} />
        </DialogForm>
      )}
      <section className="stack" aria-label={t.deliveryHistory}>
        <h3>{t.deliveryHistory}</h3>
        <Loaded resource={detail}>
          {({ attempts }) => (
            <DataTable
              label={t.deliveryHistory}
              columns={attemptColumns}
              rows={attempts.map((a, i) => ({ ...a, id: `${a.at}-${i}` }))}
              empty={<Empty title={t.noAttempts} />}
              rowAttributes={(a) => ({ 'data-attempt': a.ok ? 'ok' : 'failed' })}
            />
          )}
        </Loaded>
      </section>
    </Dialog>
  );
}

export function NewChannelForm({ onCreated }: { onCreated: () => void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const create = useAction(async () => {
    await api.post('/api/v1/alerts/channels', { name, url, ...(secret ? { secret } : {}) });
    setName('');
    setUrl('');
    setSecret('');
    onCreated();
  });
  return (
    <>
      <ActionForm label={t.newChannel} submit={t.addChannel} busy={create.busy} error={create.error} onSubmit={() => void create.run()}>
        <label>
          {t.name}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} />
        </label>
        <label className="grow">
          {t.channelUrl}
          <input value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://…  slack://…  telegram://…  smtp://…" autoComplete="off" />
        </label>
        <label>
          {t.signingSecret}
          <input value={secret} onChange={(e) => setSecret(e.target.value)} type="password" autoComplete="new-password" minLength={16} />
        </label>
      </ActionForm>
      <p className="hint">{t.channelUrlHint}</p>
    </>
  );
}
