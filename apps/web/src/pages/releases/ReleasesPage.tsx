import type { List, ReleaseTargetView, ReleaseView } from '@pharos/protocol';
import { useApi } from '../../app/useApi';
import { type Column, DataTable } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { Empty, Loaded } from '../../components/States';
import { dateTime } from '../../format/time';
import { bytes } from '../../format/units';
import type { Dictionary } from '../../i18n/en';
import { useT } from '../../i18n/i18n';
import { RolloutProgressView } from './RolloutProgressView';
import { TargetRelease } from './TargetRelease';
import { UploadRelease } from './UploadRelease';

/** Ithiltir node releases: upload builds, offer a version to nodes, watch it roll out. */
export function ReleasesPage({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const releases = useApi<List<ReleaseView>>('/api/v1/releases', { refreshMs: 30_000 });
  const targets = useApi<List<ReleaseTargetView>>('/api/v1/releases/targets', { refreshMs: 30_000 });
  return (
    <section className="page">
      <PageHeader title={t.navReleases} />
      {isAdmin && (
        <section className="card card-pad stack" aria-label={t.upload}>
          <h2>{t.uploadNodeBuild}</h2>
          <UploadRelease onUploaded={releases.reload} />
        </section>
      )}
      <h2>{t.nodeReleases}</h2>
      <Loaded resource={releases}>
        {({ items }) => <DataTable label={t.navReleases} columns={releaseColumns(t)} rows={items} empty={<Empty title={t.noReleases}>{t.noReleasesHint}</Empty>} />}
      </Loaded>
      <h2>{t.targetsAndRollouts}</h2>
      {isAdmin && releases.data && <TargetRelease versions={[...new Set(releases.data.items.map((r) => r.version))]} onTargeted={targets.reload} />}
      <Loaded resource={targets}>
        {({ items }) =>
          items.length === 0 ? (
            <Empty title={t.noTargets}>{t.noTargetsHint}</Empty>
          ) : (
            <>
              <ul className="card card-pad stack plain-list">
                {items.map((target) => (
                  <li key={target.id}>
                    <strong>{target.version}</strong> → {target.scope === 'all' ? t.everyNode : target.scope === 'group' ? t.groupNamed(target.group ?? '') : t.serverNamed(target.serverId ?? '')}
                  </li>
                ))}
              </ul>
              {[...new Set(items.map((target) => target.version))].map((v) => (
                <RolloutProgressView key={v} version={v} />
              ))}
            </>
          )
        }
      </Loaded>
    </section>
  );
}

function releaseColumns(t: Dictionary): Column<ReleaseView>[] {
  return [
    { header: t.version, kind: 'title', cell: (r) => r.version },
    { header: t.platform, cell: (r) => `${r.os}/${r.arch}` },
    { header: t.file, className: 'small', tooltip: (r) => r.sha256, cell: (r) => r.fileName },
    { header: t.size, className: 'small', cell: (r) => bytes(r.size) },
    { header: t.uploaded, className: 'muted small', cell: (r) => dateTime(r.createdAt) },
  ];
}
