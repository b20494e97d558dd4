import type { RolloutProgress } from '@pharos/protocol';
import { useApi } from '../../app/useApi';
import { StatusBadge } from '../../components/Status';
import { Loaded } from '../../components/States';

/** How far a targeted version has reached: counts, then node by node. */
export function RolloutProgressView({ version }: { version: string }) {
  const rollout = useApi<RolloutProgress>(`/api/v1/releases/rollouts/${encodeURIComponent(version)}`, { refreshMs: 10_000 });
  return <Loaded resource={rollout}>{(progress) => <Rollout version={version} progress={progress} />}</Loaded>;
}

function Rollout({ version, progress: { counts, nodes } }: { version: string; progress: RolloutProgress }) {
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
