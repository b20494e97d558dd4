import type { ContainerView, DaemonView, List, Page } from '@pharos/protocol';
import { useNow } from '../../app/hooks';
import { Link } from '../../app/router';
import { useApi } from '../../app/useApi';
import { type Column, DataTable } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/Status';
import { Empty, Loaded } from '../../components/States';
import { ago } from '../../format/time';
import type { Dictionary } from '../../i18n/en';
import { useT } from '../../i18n/i18n';
import { ContainerTable } from './ContainerTable';

/** Every Lightd daemon with its container counts, and every container below. */
export function LightdPage() {
  const t = useT();
  const daemons = useApi<List<DaemonView>>('/api/v1/lightd/daemons', { refreshMs: 10_000 });
  const containers = useApi<Page<ContainerView>>('/api/v1/lightd/containers?limit=200', { refreshMs: 10_000 });
  const now = useNow(5000);
  return (
    <section className="page">
      <PageHeader title={t.navLightd}>
        <Link href="/credentials" className="button">
          {t.registerDaemon}
        </Link>
      </PageHeader>
      <h2>{t.daemons}</h2>
      <Loaded resource={daemons}>
        {({ items }) => <DataTable label={t.lightdDaemons} columns={daemonColumns(t, now)} rows={items} empty={<Empty title={t.noDaemons}>{t.noDaemonsHint}</Empty>} />}
      </Loaded>
      <h2>{t.containers}</h2>
      <Loaded resource={containers}>{({ items }) => <ContainerTable containers={items} now={now} />}</Loaded>
    </section>
  );
}

function daemonColumns(t: Dictionary, now: number): Column<DaemonView>[] {
  return [
    { header: t.daemon, kind: 'title', cell: (d) => <Link href={`/lightd/daemons/${d.id}`}>{d.name}</Link> },
    { header: t.colStatus, cell: (d) => <StatusBadge status={d.status} /> },
    {
      header: t.containers,
      className: 'small',
      cell: (d) => (
        <>
          {t.containerCounts(d.containers.total, d.containers.ready)}
          {d.containers.failed > 0 && <span className="bad"> · {t.nFailed(d.containers.failed)}</span>}
        </>
      ),
    },
    { header: t.api, className: 'muted small', cell: (d) => d.apiUrl },
    { header: t.colLastSeen, className: 'muted small', cell: (d) => ago(d.lastSeenAt, now) },
  ];
}
