import type { ContainerView } from '@pharos/protocol';
import { Link } from '../../app/router';
import { type Column, DataTable } from '../../components/DataTable';
import { StatusBadge } from '../../components/Status';
import { Empty } from '../../components/States';
import { ago } from '../../format/time';
import { decimal } from '../../format/units';

/** Containers with their daemon, status and last error; each opens its container page. */
export function ContainerTable({ containers, now, showDaemon = true }: { containers: ContainerView[]; now: number; showDaemon?: boolean }) {
  const columns: Column<ContainerView>[] = [
    { header: 'Container', kind: 'title', cell: (c) => <Link href={`/lightd/containers/${c.id}`}>{c.internalId}</Link> },
    ...(showDaemon ? [DAEMON_COLUMN] : []),
    { header: 'Status', cell: (c) => <StatusBadge status={c.status} /> },
    { header: 'Last error', className: 'wrap small', cell: (c) => (c.lastError ? <span className="bad">{c.lastError}</span> : <span className="muted">—</span>) },
    { header: 'Memory', className: 'num small', cell: (c) => (c.usage?.running ? `${decimal(c.usage.memoryGb, 2)} GiB` : <span className="muted">—</span>) },
    { header: 'CPU', className: 'num small', cell: (c) => (c.usage?.running ? `${decimal(c.usage.cpuVcpus, 2)} vCPU` : <span className="muted">—</span>) },
    { header: 'Cost / h', className: 'num small', cell: (c) => (c.usage?.running && c.usage.estimatedCost !== null ? c.usage.estimatedCost.toFixed(4) : <span className="muted">—</span>) },
    { header: 'Last seen', className: 'muted small', cell: (c) => ago(c.lastSeenAt, now) },
  ];
  return <DataTable label="Containers" columns={columns} rows={containers} empty={<Empty title="No containers yet">A daemon's containers appear once it reports them.</Empty>} />;
}

const DAEMON_COLUMN: Column<ContainerView> = { header: 'Daemon', cell: (c) => <Link href={`/lightd/daemons/${c.daemon.id}`}>{c.daemon.name}</Link> };
