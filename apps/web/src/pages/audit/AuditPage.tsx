import type { AuditPage as AuditPageData } from '@pharos/protocol';
import { useState } from 'react';
import { api } from '../../api/client';
import { useDebounced } from '../../app/hooks';
import { useAction, useApi } from '../../app/useApi';
import { Empty, ErrorState, InlineError, Loading } from '../../components/States';
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
      <header className="page-header">
        <h2>Audit log</h2>
      </header>
      <div className="row">
        <input value={action} onChange={(e) => setAction(e.target.value)} placeholder="Action, e.g. server.create or lightd." aria-label="Filter by action" />
        <input value={actor} onChange={(e) => setActor(e.target.value)} placeholder="Username" aria-label="Filter by user" />
      </div>
      {first.loading && !first.data ? (
        <Loading />
      ) : !first.data ? (
        <ErrorState error={first.error} onRetry={first.reload} />
      ) : items.length === 0 ? (
        <Empty title="Nothing recorded">No audit entries match.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table cards" aria-label="Audit log">
            <thead>
              <tr>
                <th>When</th>
                <th>User</th>
                <th>Action</th>
                <th>Target</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td className="small" data-label="When">{dateTime(e.at)}</td>
                  <td data-label="User">{e.actor.username ?? <span className="muted">system</span>}</td>
                  <td className="card-title">
                    <code>{e.action}</code>
                  </td>
                  <td className="small" data-label="Target">{e.target ? `${e.target.type}${e.target.id ? ` ${e.target.id.slice(0, 8)}` : ''}` : '—'}</td>
                  <td className="wrap small muted" data-label="Details">{e.data == null ? '' : JSON.stringify(e.data)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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
