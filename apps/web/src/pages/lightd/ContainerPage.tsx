import type { ContainerHistoryPage, ContainerView } from '@pharos/protocol';
import { useNow } from '../../app/hooks';
import { Link } from '../../app/router';
import { useApi } from '../../app/useApi';
import { StatusBadge } from '../../components/Status';
import { Empty, ErrorState, Loading } from '../../components/States';
import { ago, dateTime } from '../../format/time';
import { ConsolePanel } from './ConsolePanel';

/** One Lightd container: status, last error, live console and status history. */
export function ContainerPage({ id }: { id: string }) {
  const container = useApi<ContainerView>(`/api/v1/lightd/containers/${id}`, { refreshMs: 10_000 });
  const now = useNow(5000);
  if (container.loading && !container.data) return <Loading />;
  if (!container.data) return <ErrorState error={container.error} onRetry={container.reload} />;
  const c = container.data;
  return (
    <section className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link href="/lightd">Lightd</Link> <span aria-hidden>›</span> <Link href={`/lightd/daemons/${c.daemon.id}`}>{c.daemon.name}</Link>{' '}
        <span aria-hidden>›</span> <span>{c.internalId}</span>
      </nav>
      <header className="page-header">
        <h2>
          <span className="truncate">{c.internalId}</span>
          <StatusBadge status={c.status} />
        </h2>
      </header>
      <div className="row muted small">
        <span>on {c.daemon.name}</span>
        <span>· status since {ago(c.statusChangedAt, now)}</span>
        <span>· last seen {ago(c.lastSeenAt, now)}</span>
      </div>
      {c.lastError && (
        <p className="inline-error" role="alert">
          Last error ({ago(c.lastErrorAt, now)}): {c.lastError}
        </p>
      )}
      <div className="grid-2">
        <ConsolePanel containerId={c.id} />
        <StatusHistory id={c.id} />
      </div>
    </section>
  );
}

function StatusHistory({ id }: { id: string }) {
  const history = useApi<ContainerHistoryPage>(`/api/v1/lightd/containers/${id}/history?limit=50`, { refreshMs: 15_000 });
  if (history.loading && !history.data) return <Loading />;
  if (!history.data) return <ErrorState error={history.error} onRetry={history.reload} />;
  if (history.data.items.length === 0) return <Empty title="No status history" />;
  return (
    <div className="table-wrap">
      <table className="table cards" aria-label="Status history">
        <thead>
          <tr>
            <th>When</th>
            <th>Event</th>
            <th>Status</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {history.data.items.map((u) => (
            <tr key={u.id}>
              <td className="small card-title">{dateTime(u.receivedAt)}</td>
              <td className="small" data-label="Event">{u.event}</td>
              <td data-label="Status">
                <StatusBadge status={u.status} />
              </td>
              <td className="wrap small" data-label="Error">{u.error ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
