import type { ContainerView, DaemonView, List, Page } from '@pharos/protocol';
import { useNow } from '../../app/hooks';
import { Link } from '../../app/router';
import { useApi } from '../../app/useApi';
import { StatusBadge } from '../../components/Status';
import { Empty, ErrorState, Loading } from '../../components/States';
import { ago } from '../../format/time';
import { ContainerTable } from './ContainerTable';

/** Every Lightd daemon with its container counts, and every container below. */
export function LightdPage() {
  const daemons = useApi<List<DaemonView>>('/api/v1/lightd/daemons', { refreshMs: 10_000 });
  const containers = useApi<Page<ContainerView>>('/api/v1/lightd/containers?limit=200', { refreshMs: 10_000 });
  const now = useNow(5000);
  return (
    <section className="page">
      <header className="page-header">
        <h2>Lightd</h2>
        <Link href="/credentials" className="button">
          Register a daemon
        </Link>
      </header>
      <h3>Daemons</h3>
      {daemons.loading && !daemons.data ? (
        <Loading />
      ) : !daemons.data ? (
        <ErrorState error={daemons.error} onRetry={daemons.reload} />
      ) : daemons.data.items.length === 0 ? (
        <Empty title="No Lightd daemons">Register one under Credentials, then point the daemon's remote at Pharos.</Empty>
      ) : (
        <DaemonTable daemons={daemons.data.items} now={now} />
      )}
      <h3>Containers</h3>
      {containers.loading && !containers.data ? (
        <Loading />
      ) : !containers.data ? (
        <ErrorState error={containers.error} onRetry={containers.reload} />
      ) : (
        <ContainerTable containers={containers.data.items} now={now} />
      )}
    </section>
  );
}

function DaemonTable({ daemons, now }: { daemons: DaemonView[]; now: number }) {
  return (
    <div className="table-wrap">
      <table className="table cards" aria-label="Lightd daemons">
        <thead>
          <tr>
            <th>Daemon</th>
            <th>Status</th>
            <th>Containers</th>
            <th>API</th>
            <th>Last seen</th>
          </tr>
        </thead>
        <tbody>
          {daemons.map((d) => (
            <tr key={d.id}>
              <td className="card-title">
                <Link href={`/lightd/daemons/${d.id}`}>{d.name}</Link>
              </td>
              <td data-label="Status">
                <StatusBadge status={d.status} />
              </td>
              <td className="small" data-label="Containers">
                {d.containers.total} · {d.containers.ready} ready
                {d.containers.failed > 0 && <span className="bad"> · {d.containers.failed} failed</span>}
              </td>
              <td className="muted small" data-label="API">{d.apiUrl}</td>
              <td className="muted small" data-label="Last seen">{ago(d.lastSeenAt, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
