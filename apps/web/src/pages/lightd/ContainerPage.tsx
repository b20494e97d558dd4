import type { ContainerHistoryPage, ContainerUpdateView, ContainerView } from '@pharos/protocol';
import { useNow } from '../../app/hooks';
import { useApi } from '../../app/useApi';
import { Breadcrumb } from '../../components/Breadcrumb';
import { type Column, DataTable } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/Status';
import { Empty, Loaded } from '../../components/States';
import { ago, dateTime } from '../../format/time';
import { ConsolePanel } from './ConsolePanel';
import { UsagePanel } from './UsagePanel';

/** One Lightd container: status, last error, live console, usage (latest and charted) and status history. */
export function ContainerPage({ id }: { id: string }) {
  const container = useApi<ContainerView>(`/api/v1/lightd/containers/${id}`, { refreshMs: 10_000 });
  const now = useNow(5000);
  return (
    <Loaded resource={container}>
      {(c) => (
        <section className="page">
          <Breadcrumb
            trail={[
              { href: '/lightd', label: 'Lightd' },
              { href: `/lightd/daemons/${c.daemon.id}`, label: c.daemon.name },
            ]}
            current={c.internalId}
          />
          <PageHeader title={c.internalId} status={c.status} />
          <div className="row muted small">
            <span>on {c.daemon.name}</span>
            <span>· status since {ago(c.statusChangedAt, now)}</span>
            <span>· last seen {ago(c.lastSeenAt, now)}</span>
          </div>
          {c.lastError && (
            <p className="inline-error" role="alert">
              Last error ({ago(c.lastErrorAt, now)}): {c.lastError}
            </p>
          )}
          <div className="grid-2">
            <ConsolePanel containerId={c.id} />
            <StatusHistory id={c.id} />
          </div>
          <UsagePanel source={{ serverId: c.daemon.serverId, of: 'container', entity: c.internalId }} usage={c.usage} />
        </section>
      )}
    </Loaded>
  );
}

const HISTORY_COLUMNS: Column<ContainerUpdateView>[] = [
  { header: 'When', kind: 'title', className: 'small', cell: (u) => dateTime(u.receivedAt) },
  { header: 'Event', className: 'small', cell: (u) => (u.event === 'status_check' ? "daemon's API said" : u.event) },
  { header: 'Status', cell: (u) => <StatusBadge status={u.status} /> },
  { header: 'Error', className: 'wrap small', cell: (u) => u.error ?? '—' },
];

function StatusHistory({ id }: { id: string }) {
  const history = useApi<ContainerHistoryPage>(`/api/v1/lightd/containers/${id}/history?limit=50`, { refreshMs: 15_000 });
  return <Loaded resource={history}>{({ items }) => <DataTable label="Status history" columns={HISTORY_COLUMNS} rows={items} empty={<Empty title="No status history" />} />}</Loaded>;
}
