import type { RolloutProgress } from '@pharos/protocol';
import { useApi } from '../../app/useApi';
import { StatusBadge } from '../../components/Status';
import { ErrorState, Loading } from '../../components/States';

/** How far a targeted version has reached: counts, then node by node. */
export function RolloutProgressView({ version }: { version: string }) {
  const rollout = useApi<RolloutProgress>(`/api/v1/releases/rollouts/${encodeURIComponent(version)}`, { refreshMs: 10_000 });
  if (rollout.loading && !rollout.data) return <Loading />;
  if (!rollout.data) return <ErrorState error={rollout.error} onRetry={rollout.reload} />;
  const { counts, nodes } = rollout.data;
  return (
    <section className="card card-pad stack" aria-label={`Rollout of ${version}`}>
      <div className="row">
        <strong>{version}</strong>
        <span className="muted small">
          {counts.updated} of {counts.targeted} updated · {counts.offered} offered · {counts.pending} pending · {counts.ineligible} not eligible
        </span>
      </div>
      <div className="bar">
        <span style={{ width: `${counts.targeted ? (100 * counts.updated) / counts.targeted : 0}%`, background: 'var(--ok)' }} />
      </div>
      {nodes.length > 0 && (
        <table className="table cards" aria-label={`Nodes of ${version}`}>
          <tbody>
            {nodes.map((n) => (
              <tr key={n.serverId}>
                <td className="card-title">{n.name}</td>
                <td data-label="Status">
                  <StatusBadge status={n.status} />
                </td>
                <td className="small" data-label="Version">{n.version ?? '—'}</td>
                <td className="small" data-label="State">
                  {n.state}
                  {n.reason && <span className="muted"> · {n.reason}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
