import type { AuditEntryView, AuditPage as AuditPageData } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useDebounced } from '../../app/hooks';
import { useAction, useApi } from '../../app/useApi';
import { type Column, DataTable } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { Empty, InlineError, Loaded } from '../../components/States';
import { dateTime } from '../../format/time';
import type { Dictionary } from '../../i18n/en';
import { useT } from '../../i18n/i18n';

/** Who did what, newest first, filtered by action (or prefix like `lightd.`) and actor. */
export function AuditPage() {
  const t = useT();
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const query = new URLSearchParams({ limit: '100' });
  const a = useDebounced(action.trim(), 300);
  const u = useDebounced(actor.trim(), 300);
  if (a) query.set('action', a);
  if (u) query.set('actor', u);
  const path = `/api/v1/audit?${query.toString()}`;
  const first = useApi<AuditPageData>(path);
  const [older, setOlder] = useState<(AuditPageData & { path: string }) | null>(null);
  const more = older?.path === path ? older : null;
  const loadMore = useAction(async () => {
    const before = more ? more.nextBefore : first.data?.nextBefore;
    if (!before) return;
    const page = await api.get<AuditPageData>(`${path}&before=${before}`);
    setOlder({ path, items: [...(more?.items ?? []), ...page.items], nextBefore: page.nextBefore });
  });
  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  const nextBefore = more ? more.nextBefore : first.data?.nextBefore;

  return (
    <section className="page">
      <PageHeader title={t.navAudit} />
      <div className="row">
        <input value={action} onChange={(e) => setAction(e.target.value)} placeholder={t.actionPlaceholder} aria-label={t.filterByAction} />
        <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder={t.username} aria-label={t.filterByUser} />
      </div>
      <Loaded resource={first}>{() => <DataTable label={t.navAudit} columns={auditColumns(t)} rows={items} empty={<Empty title={t.nothingRecorded}>{t.noAuditMatch}</Empty>} />}</Loaded>
      <InlineError error={loadMore.error} />
      {nextBefore && (
        <div className="actions-row">
          <button type="button" onClick={() => void loadMore.run()} disabled={loadMore.busy}>
            {t.olderEntries}
          </button>
        </div>
      )}
    </section>
  );
}

function auditColumns(t: Dictionary): Column<AuditEntryView>[] {
  return [
    { header: t.when, className: 'small', cell: (e) => dateTime(e.at) },
    { header: t.user, cell: (e) => e.actor.username ?? <span className="muted">{t.system}</span> },
    { header: t.action, kind: 'title', cell: (e) => <code>{e.action}</code> },
    { header: t.target, className: 'small', cell: (e) => (e.target ? `${e.target.type}${e.target.id ? ` ${e.target.id.slice(0, 8)}` : ''}` : '—') },
    { header: t.details, className: 'wrap small muted', cell: (e) => (e.data == null ? '' : JSON.stringify(e.data)) },
  ];
}
