import type { AuditEntryView, AuditPage as AuditPageData } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useDebounced } from '../../app/hooks';
import { useAction, useApi } from '../../app/useApi';
import { type Column, DataTable } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { Empty, InlineError, Loaded } from '../../components/States';
import { dateTime } from '../../format/time';

/** Who did what, newest first, filtered by action (or prefix like `lightd.`) and actor. */
export function AuditPage() {
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
      <PageHeader title="Audit log" />
      <div className="row">
        <input value={action} onChange={(e) => setAction(e.target.value)} placeholder="Action, e.g. server.create or lightd." aria-label="Filter by action" />
        <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder="Username" aria-label="Filter by user" />
      </div>
      <Loaded resource={first}>{() => <DataTable label="Audit log" columns={AUDIT_COLUMNS} rows={items} empty={<Empty title="Nothing recorded">No audit entries match.</Empty>} />}</Loaded>
      <InlineError error={loadMore.error} />
      {nextBefore && (
        <div className="actions-row">
          <button type="button" onClick={() => void loadMore.run()} disabled={loadMore.busy}>
            Older entries
          </button>
        </div>
      )}
    </section>
  );
}

const AUDIT_COLUMNS: Column<AuditEntryView>[] = [
  { header: 'When', className: 'small', cell: (e) => dateTime(e.at) },
  { header: 'User', cell: (e) => e.actor.username ?? <span className="muted">system</span> },
  { header: 'Action', kind: 'title', cell: (e) => <code>{e.action}</code> },
  { header: 'Target', className: 'small', cell: (e) => (e.target ? `${e.target.type}${e.target.id ? ` ${e.target.id.slice(0, 8)}` : ''}` : '—') },
  { header: 'Details', className: 'wrap small muted', cell: (e) => (e.data == null ? '' : JSON.stringify(e.data)) },
];
