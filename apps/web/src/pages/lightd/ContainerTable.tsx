import type { ContainerView } from '@pharos/protocol';
import { Link } from '../../app/router';
import { type Column, DataTable } from '../../components/DataTable';
import { StatusBadge } from '../../components/Status';
import { Empty } from '../../components/States';
import { ago } from '../../format/time';
import { decimal } from '../../format/units';
import type { Dictionary } from '../../i18n/en';
import { useT } from '../../i18n/i18n';
import { containerName } from './containerName';

/** Containers with their daemon, status and last error; each opens its container page. */
export function ContainerTable({ containers, now, showDaemon = true }: { containers: ContainerView[]; now: number; showDaemon?: boolean }) {
  const t = useT();
  const columns: Column<ContainerView>[] = [
    {
      header: t.container,
      kind: 'title',
      tooltip: (c) => c.internalId,
      cell: (c) => (
        <Link href={`/lightd/containers/${c.id}`} className="mono">
          {containerName(c.internalId)}
        </Link>
      ),
    },
    ...(showDaemon ? [daemonColumn(t)] : []),
    { header: t.colStatus, cell: (c) => <StatusBadge status={c.status} /> },
    { header: t.lastError, className: 'wrap small', cell: (c) => (c.lastError ? <span className="bad">{c.lastError}</span> : <span className="muted">—</span>) },
    { header: t.colMemory, className: 'num small', cell: (c) => (c.usage?.running ? `${decimal(c.usage.memoryGb, 2)} GiB` : <span className="muted">—</span>) },
    { header: t.colCpu, className: 'num small', cell: (c) => (c.usage?.running ? `${decimal(c.usage.cpuVcpus, 2)} vCPU` : <span className="muted">—</span>) },
    { header: t.costPerHour, className: 'num small', cell: (c) => (c.usage?.running && c.usage.estimatedCost !== null ? c.usage.estimatedCost.toFixed(4) : <span className="muted">—</span>) },
    { header: t.colLastSeen, className: 'muted small', cell: (c) => ago(c.lastSeenAt, now) },
  ];
  return <DataTable label={t.containers} columns={columns} rows={containers} empty={<Empty title={t.noContainersYet}>{t.noContainersHint}</Empty>} />;
}

function daemonColumn(t: Dictionary): Column<ContainerView> {
  return { header: t.daemon, cell: (c) => <Link href={`/lightd/daemons/${c.daemon.id}`}>{c.daemon.name}</Link> };
}
