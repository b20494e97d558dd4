import type { ContainerView, DaemonDetailView, Page } from '@pharos/protocol';
import { useNow } from '../../app/hooks';
import { Link } from '../../app/router';
import { useApi } from '../../app/useApi';
import { StatusBadge } from '../../components/Status';
import { ErrorState, Loading } from '../../components/States';
import { ago } from '../../format/time';
import { ContainerTable } from './ContainerTable';
import { RemoteTokenPanel } from './RemoteTokenPanel';

/** One Lightd daemon: its state, remote token and containers. */
export function DaemonPage({ id, isAdmin }: { id: string; isAdmin: boolean }) {
  const daemon = useApi<DaemonDetailView>(`/api/v1/lightd/daemons/${id}`, { refreshMs: 10_000 });
  const containers = useApi<Page<ContainerView>>(`/api/v1/lightd/daemons/${id}/containers?limit=200`, { refreshMs: 10_000 });
  const now = useNow(5000);
  if (daemon.loading && !daemon.data) return <Loading />;
  if (!daemon.data) return <ErrorState error={daemon.error} onRetry={daemon.reload} />;
  const d = daemon.data;
  return (
    <section className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link href="/lightd">Lightd</Link> <span aria-hidden>›</span> <span>{d.name}</span>
      </nav>
      <header className="page-header">
        <h2>
          <span className="truncate">{d.name}</span>
          <StatusBadge status={d.status} />
        </h2>
      </header>
      <dl className="kv card card-pad">
        <dt>API</dt>
        <dd>{d.apiUrl}</dd>
        <dt>API token</dt>
        <dd>{d.hasApiToken ? 'set' : 'not set (consoles cannot open)'}</dd>
        <dt>Last seen</dt>
        <dd>{ago(d.lastSeenAt, now)}</dd>
      </dl>
      <RemoteTokenPanel daemon={d} isAdmin={isAdmin} now={now} onChanged={daemon.reload} />
      <h3>Containers</h3>
      {containers.data ? <ContainerTable containers={containers.data.items} now={now} showDaemon={false} /> : containers.error ? <ErrorState error={containers.error} onRetry={containers.reload} /> : <Loading />}
    </section>
  );
}
