import type { ContainerHistoryPage, ContainerUpdateView, ContainerView } from '@pharos/protocol';
import { useNow } from '../../app/hooks';
import { useApi } from '../../app/useApi';
import { Breadcrumb } from '../../components/Breadcrumb';
import { type Column, DataTable } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/Status';
import { Empty, Loaded, LoadedPage } from '../../components/States';
import { ago, dateTime } from '../../format/time';
import type { Dictionary } from '../../i18n/en';
import { useT } from '../../i18n/i18n';
import { ConsolePanel } from './ConsolePanel';
import { containerName } from './containerName';
import { UsagePanel } from './UsagePanel';

/** One Lightd container: status, last error, live console, usage (latest and charted) and status history. */
export function ContainerPage({ id }: { id: string }) {
  const t = useT();
  const container = useApi<ContainerView>(`/api/v1/lightd/containers/${id}`, { refreshMs: 10_000 });
  const now = useNow(5000);
  return (
    <LoadedPage resource={container} title={t.container} back={{ href: '/lightd', label: t.backToLightd }}>
      {(c) => (
        <section className="page">
          <Breadcrumb
            trail={[
              { href: '/lightd', label: t.navLightd },
              { href: `/lightd/daemons/${c.daemon.id}`, label: c.daemon.name },
            ]}
            current={containerName(c.internalId)}
          />
          <PageHeader title={t.containerTitle(containerName(c.internalId))} status={c.status} />
          <div className="row muted small">
            <span className="mono" title={t.containerId}>
              {c.internalId}
            </span>
            <span>· {t.onDaemon(c.daemon.name)}</span>
            <span>· {t.statusSince(ago(c.statusChangedAt, now))}</span>
            <span>· {t.lastSeen(ago(c.lastSeenAt, now))}</span>
          </div>
          {c.lastError && (
            <p className="inline-error" role="alert">
              {t.lastErrorAt(ago(c.lastErrorAt, now))}: {c.lastError}
            </p>
          )}
          <div className="grid-2">
            <ConsolePanel containerId={c.id} />
            <StatusHistory id={c.id} />
          </div>
          <UsagePanel source={{ serverId: c.daemon.serverId, of: 'container', entity: c.internalId }} usage={c.usage} />
        </section>
      )}
    </LoadedPage>
  );
}

function historyColumns(t: Dictionary): Column<ContainerUpdateView>[] {
  return [
    { header: t.when, kind: 'title', className: 'small', cell: (u) => dateTime(u.receivedAt) },
    { header: t.event, className: 'small', cell: (u) => (u.event === 'status_check' ? t.daemonApiSaid : u.event) },
    { header: t.colStatus, cell: (u) => <StatusBadge status={u.status} /> },
    { header: t.error, className: 'wrap small', cell: (u) => u.error ?? '—' },
  ];
}

function StatusHistory({ id }: { id: string }) {
  const t = useT();
  const history = useApi<ContainerHistoryPage>(`/api/v1/lightd/containers/${id}/history?limit=50`, { refreshMs: 15_000 });
  return <Loaded resource={history}>{({ items }) => <DataTable label={t.statusHistory} columns={historyColumns(t)} rows={items} empty={<Empty title={t.noStatusHistory} />} />}</Loaded>;
}
