import type { RolloutProgress } from '@pharos/protocol';
import { useApi } from '../../app/useApi';
import { StatusBadge } from '../../components/Status';
import { Loaded } from '../../components/States';
import { useT } from '../../i18n/i18n';

/** How far a targeted version has reached: counts, then node by node. */
export function RolloutProgressView({ version }: { version: string }) {
  const rollout = useApi<RolloutProgress>(`/api/v1/releases/rollouts/${encodeURIComponent(version)}`, { refreshMs: 10_000 });
  return <Loaded resource={rollout}>{(progress) => <Rollout version={version} progress={progress} />}</Loaded>;
}

function Rollout({ version, progress: { counts, nodes } }: { version: string; progress: RolloutProgress }) {
  const t = useT();
  return (
    <section className="card card-pad stack" aria-label={t.rolloutOf(version)}>
      <div className="row">
        <strong>{version}</strong>
        <span className="muted small">
          {t.rolloutCounts(counts.updated, counts.targeted, counts.offered, counts.pending, counts.ineligible)}
        </span>
      </div>
      <div className="bar" role="img" aria-label={t.rolloutBar(counts.updated, counts.targeted)}>
        <span style={{ width: `${counts.targeted ? (100 * counts.updated) / counts.targeted : 0}%`, background: 'var(--ok)' }} />
      </div>
      {nodes.length > 0 && (
        <table className="table cards" aria-label={t.nodesOf(version)}>
          <thead>
            <tr>
              <th>{t.node}</th>
              <th>{t.colStatus}</th>
              <th>{t.version}</th>
              <th>{t.state}</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <tr key={n.serverId}>
                <td className="card-title">{n.name}</td>
                <td data-label={t.colStatus}>
                  <StatusBadge status={n.status} />
                </td>
                <td className="small" data-label={t.version}>{n.version ?? '—'}</td>
                <td className="small" data-label={t.state}>
                  {t.rolloutState[n.state]}
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
