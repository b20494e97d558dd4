import type { ContainerView } from '@pharos/protocol';
import { Link } from '../../app/router';
import { StatusBadge } from '../../components/Status';
import { Empty } from '../../components/States';
import { ago } from '../../format/time';

/** Containers with their daemon, status and last error; each opens its container page. */
export function ContainerTable({ containers, now, showDaemon = true }: { containers: ContainerView[]; now: number; showDaemon?: boolean }) {
  if (containers.length === 0) return <Empty title="No containers yet">A daemon's containers appear once it reports them.</Empty>;
  return (
    <div className="table-wrap">
      <table className="table cards" aria-label="Containers">
        <thead>
          <tr>
            <th>Container</th>
            {showDaemon && <th>Daemon</th>}
            <th>Status</th>
            <th>Last error</th>
            <th>Last seen</th>
          </tr>
        </thead>
        <tbody>
          {containers.map((c) => (
            <tr key={c.id}>
              <td className="card-title">
                <Link href={`/lightd/containers/${c.id}`}>{c.internalId}</Link>
              </td>
              {showDaemon && (
                <td data-label="Daemon">
                  <Link href={`/lightd/daemons/${c.daemon.id}`}>{c.daemon.name}</Link>
                </td>
              )}
              <td data-label="Status">
                <StatusBadge status={c.status} />
              </td>
              <td className="wrap small" data-label="Last error">{c.lastError ? <span className="bad">{c.lastError}</span> : <span className="muted">—</span>}</td>
              <td className="muted small" data-label="Last seen">{ago(c.lastSeenAt, now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
