import type { ContainerView, DaemonView, List, Page } from '@pharos/protocol';
import { useNow } from '../../app/hooks';
import { Link } from '../../app/router';
import { useApi } from '../../app/useApi';
import { type Column, DataTable } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/Status';
import { Empty, Loaded } from '../../components/States';
import { ago } from '../../format/time';
import { ContainerTable } from './ContainerTable';

/** Every Lightd daemon with its container counts, and every container below. */
export function LightdPage() {
  const daemons = useApi<List<DaemonView>>('/api/v1/lightd/daemons', { refreshMs: 10_000 });
  const containers = useApi<Page<ContainerView>>('/api/v1/lightd/containers?limit=200', { refreshMs: 10_000 });
  const now = useNow(5000);
  return (
    <section className="page">
      <PageHeader title="Lightd">
        <Link href="/credentials" className="button">
          Register a daemon
        </Link>
      </PageHeader>
      <h3>Daemons</h3>
      <Loaded resource={daemons}>
        {({ items }) => (
          <DataTable
            label="Lightd daemons"
            columns={daemonColumns(now)}
            rows={items}
            empty={<Empty title="No Lightd daemons">Register one under Credentials, then point the daemon's remote at Pharos.</Empty>}
          />
        )}
      </Loaded>
      <h3>Containers</h3>
      <Loaded resource={containers}>{({ items }) => <ContainerTable containers={items} now={now} />}</Loaded>
    </section>
  );
}

function daemonColumns(now: number): Column<DaemonView>[] {
  return [
    { header: 'Daemon', kind: 'title', cell: (d) => <Link href={`/lightd/daemons/${d.id}`}>{d.name}</Link> },
    { header: 'Status', cell: (d) => <StatusBadge status={d.status} /> },
    {
      header: 'Containers',
      className: 'small',
      cell: (d) => (
        <>
          {d.containers.total} · {d.containers.ready} ready
          {d.containers.failed > 0 && <span className="bad"> · {d.containers.failed} failed</span>}
        </>
      ),
    },
    { header: 'API', className: 'muted small', cell: (d) => d.apiUrl },
    { header: 'Last seen', className: 'muted small', cell: (d) => ago(d.lastSeenAt, now) },
  ];
}
