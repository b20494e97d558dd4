import type { List, ReleaseTargetView, ReleaseView } from '@pharos/protocol';
import { useApi } from '../../app/useApi';
import { Empty, ErrorState, Loading } from '../../components/States';
import { dateTime } from '../../format/time';
import { bytes } from '../../format/units';
import { RolloutProgressView } from './RolloutProgressView';
import { TargetRelease } from './TargetRelease';
import { UploadRelease } from './UploadRelease';

/** Ithiltir node releases: upload builds, offer a version to nodes, watch it roll out. */
export function ReleasesPage({ isAdmin }: { isAdmin: boolean }) {
  const releases = useApi<List<ReleaseView>>('/api/v1/releases', { refreshMs: 30_000 });
  const targets = useApi<List<ReleaseTargetView>>('/api/v1/releases/targets', { refreshMs: 30_000 });
  return (
    <section className="page">
      <header className="page-header">
        <h2>Releases</h2>
      </header>
      {isAdmin && (
        <section className="card card-pad stack" aria-label="Upload">
          <h3>Upload a node build</h3>
          <UploadRelease onUploaded={releases.reload} />
        </section>
      )}
      <h3>Node releases</h3>
      {releases.loading && !releases.data ? (
        <Loading />
      ) : !releases.data ? (
        <ErrorState error={releases.error} onRetry={releases.reload} />
      ) : releases.data.items.length === 0 ? (
        <Empty title="No releases">Releases uploaded through the API appear here.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table cards" aria-label="Releases">
            <thead>
              <tr>
                <th>Version</th>
                <th>Platform</th>
                <th>File</th>
                <th>Size</th>
                <th>Uploaded</th>
              </tr>
            </thead>
            <tbody>
              {releases.data.items.map((r) => (
                <tr key={r.id}>
                  <td className="card-title">{r.version}</td>
                  <td data-label="Platform">
                    {r.os}/{r.arch}
                  </td>
                  <td className="small" title={r.sha256} data-label="File">
                    {r.fileName}
                  </td>
                  <td className="small" data-label="Size">{bytes(r.size)}</td>
                  <td className="muted small" data-label="Uploaded">{dateTime(r.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Targets and rollouts</h3>
      {isAdmin && releases.data && <TargetRelease versions={[...new Set(releases.data.items.map((r) => r.version))]} onTargeted={targets.reload} />}
      {targets.data ? (
        targets.data.items.length === 0 ? (
          <Empty title="No targets">No version is offered to nodes yet.</Empty>
        ) : (
          <>
            <ul className="card card-pad stack plain-list">
              {targets.data.items.map((t) => (
                <li key={t.id}>
                  <strong>{t.version}</strong> → {t.scope === 'all' ? 'every node' : t.scope === 'group' ? `group ${t.group}` : `server ${t.serverId}`}
                </li>
              ))}
            </ul>
            {[...new Set(targets.data.items.map((t) => t.version))].map((v) => (
              <RolloutProgressView key={v} version={v} />
            ))}
          </>
        )
      ) : targets.error ? (
        <ErrorState error={targets.error} onRetry={targets.reload} />
      ) : (
        <Loading />
      )}
    </section>
  );
}
