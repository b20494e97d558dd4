import type { List, ReleaseTargetView, ReleaseView } from '@pharos/protocol';
import { useApi } from '../../app/useApi';
import { type Column, DataTable } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { Empty, Loaded } from '../../components/States';
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
      <PageHeader title="Releases" />
      {isAdmin && (
        <section className="card card-pad stack" aria-label="Upload">
          <h3>Upload a node build</h3>
          <UploadRelease onUploaded={releases.reload} />
        </section>
      )}
      <h3>Node releases</h3>
      <Loaded resource={releases}>
        {({ items }) => <DataTable label="Releases" columns={RELEASE_COLUMNS} rows={items} empty={<Empty title="No releases">Releases uploaded through the API appear here.</Empty>} />}
      </Loaded>
      <h3>Targets and rollouts</h3>
      {isAdmin && releases.data && <TargetRelease versions={[...new Set(releases.data.items.map((r) => r.version))]} onTargeted={targets.reload} />}
      <Loaded resource={targets}>
        {({ items }) =>
          items.length === 0 ? (
            <Empty title="No targets">No version is offered to nodes yet.</Empty>
          ) : (
            <>
              <ul className="card card-pad stack plain-list">
                {items.map((t) => (
                  <li key={t.id}>
                    <strong>{t.version}</strong> → {t.scope === 'all' ? 'every node' : t.scope === 'group' ? `group ${t.group}` : `server ${t.serverId}`}
                  </li>
                ))}
              </ul>
              {[...new Set(items.map((t) => t.version))].map((v) => (
                <RolloutProgressView key={v} version={v} />
              ))}
            </>
          )
        }
      </Loaded>
    </section>
  );
}

const RELEASE_COLUMNS: Column<ReleaseView>[] = [
  { header: 'Version', kind: 'title', cell: (r) => r.version },
  { header: 'Platform', cell: (r) => `${r.os}/${r.arch}` },
  { header: 'File', className: 'small', tooltip: (r) => r.sha256, cell: (r) => r.fileName },
  { header: 'Size', className: 'small', cell: (r) => bytes(r.size) },
  { header: 'Uploaded', className: 'muted small', cell: (r) => dateTime(r.createdAt) },
];
