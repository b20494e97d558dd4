import type { ContainerUsageView, DaemonUsageView, MetricHistoryReply } from '@pharos/protocol';
import { useMemo, useState } from 'react';
import { useApi } from '../../app/useApi';
import { TimeChart } from '../../components/charts/TimeChart';
import { Segmented } from '../../components/Segmented';
import { ErrorState } from '../../components/States';
import { clock } from '../../format/time';
import { decimal } from '../../format/units';

type Range = '24h' | '30d';
const RANGES: { value: Range; label: string }[] = [
  { value: '24h', label: '24 h' },
  { value: '30d', label: '30 d' },
];
const RANGE_MS: Record<Range, number> = { '24h': 86_400_000, '30d': 30 * 86_400_000 };
const RESOLUTION_WORDS = { raw: 'every sample', '1m': 'per-minute averages', '1h': 'hourly averages' } as const;
/** The charted series, after `container_` or `daemon_` (apps/server/src/fleet/metrics/metric-series.ts). */
const USAGE_SERIES = ['memory_gb', 'cpu_vcpus', 'cost'] as const;

/** Where a usage history lives: the daemon's server, its series of one container (or of the daemon's sum), one entity. */
export interface UsageSource {
  serverId: string;
  /** `container` (entity: its internal id) or `daemon` (entity: `all`). */
  of: 'container' | 'daemon';
  entity: string;
}

const gib = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${decimal(v, 2)} GiB`);
const vcpu = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${decimal(v, 2)} vCPU`);
const axis = (v: number) => decimal(v, 2);
const money = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v < 1 ? v.toFixed(4) : v.toFixed(2)}`);

/**
 * Usage from Lightd's billing: the latest gauge as figures (each a mean over the last hour,
 * replaced about every second, never added up) and charts of memory, CPU and estimated cost
 * from the daemon server's history over 24 hours or 30 days.
 */
export function UsagePanel({ source, usage, running }: { source: UsageSource; usage: ContainerUsageView | DaemonUsageView | null; running?: number }) {
  // The range and the moment it was chosen: choosing again asks the history afresh.
  const [{ range, anchor }, setView] = useState<{ range: Range; anchor: number }>(() => ({ range: '24h', anchor: Date.now() }));
  const path = useMemo(() => {
    const to = new Date(Math.ceil(anchor / 60_000) * 60_000);
    const from = new Date(to.getTime() - RANGE_MS[range]);
    const series = USAGE_SERIES.map((name) => `${source.of}_${name}`).join(',');
    return `/api/v1/servers/${source.serverId}/metrics?series=${series}&entity=${encodeURIComponent(source.entity)}&from=${from.toISOString()}&to=${to.toISOString()}&points=720`;
  }, [source.serverId, source.of, source.entity, range, anchor]);
  const history = useApi<MetricHistoryReply>(path, { refreshMs: range === '24h' ? 60_000 : undefined });
  const columns = useMemo(() => {
    const h = history.data;
    const column = (name: (typeof USAGE_SERIES)[number]) => h?.entities[`${source.of}_${name}`]?.[source.entity] ?? new Array<number | null>(h?.timestamps.length ?? 0).fill(null);
    return { t: h?.timestamps ?? [], memory: column('memory_gb'), cpu: column('cpu_vcpus'), cost: column('cost') };
  }, [history.data, source.of, source.entity]);
  const emptyLabel = history.loading ? 'Loading history…' : 'No usage in this range';

  return (
    <section className="stack" aria-label="Usage">
      <div className="section-title">
        <h3>Usage</h3>
        <span className="muted small">{[history.data ? `${RESOLUTION_WORDS[history.data.resolution]} of Lightd's billing gauges` : '', gaugeWords(usage)].filter(Boolean).join(' · ')}</span>
        <Segmented ariaLabel="Usage range" options={RANGES} value={range} onChange={(chosen) => setView({ range: chosen, anchor: Date.now() })} />
      </div>
      <UsageFigures usage={usage} running={running} />
      {history.error && !history.data ? (
        <ErrorState error={history.error} onRetry={history.reload} />
      ) : (
        <div className="charts">
          <section className="card chart-card" aria-label="Memory chart">
            <h3>Memory (GiB)</h3>
            <TimeChart ariaLabel="Memory over time" data={[columns.t, columns.memory]} emptyLabel={emptyLabel} axisFormat={axis} series={[{ label: 'Memory', color: '--series-mem', format: gib, fill: true }]} />
          </section>
          <section className="card chart-card" aria-label="CPU chart">
            <h3>CPU (vCPUs)</h3>
            <TimeChart ariaLabel="CPU over time" data={[columns.t, columns.cpu]} emptyLabel={emptyLabel} axisFormat={axis} series={[{ label: 'CPU', color: '--series-cpu', format: vcpu, fill: true }]} />
          </section>
          <section className="card chart-card" aria-label="Cost chart">
            <h3>Estimated cost per hour</h3>
            <TimeChart ariaLabel="Estimated cost per hour over time" data={[columns.t, columns.cost]} emptyLabel={emptyLabel} series={[{ label: 'Cost per hour', color: '--series-disk', format: money, fill: true }]} />
          </section>
        </div>
      )}
    </section>
  );
}

/** When the latest gauge is from (the daemon's clock), and whether the container still runs. */
function gaugeWords(usage: ContainerUsageView | DaemonUsageView | null): string {
  if (!usage?.at) return '';
  const state = 'running' in usage && !usage.running ? ', not running lately' : '';
  return `latest gauge ${clock(usage.at)} (daemon's clock${state})`;
}

/** The latest gauge (a container's) or the sum of the latest gauges (a daemon's), as tiles. */
function UsageFigures({ usage, running }: { usage: ContainerUsageView | DaemonUsageView | null; running?: number }) {
  if (!usage) return <p className="muted small">No billing gauge from the daemon yet.</p>;
  const tiles: [string, string, string?][] = [
    ['Memory', gib(usage.memoryGb), '--series-mem'],
    ['CPU', vcpu(usage.cpuVcpus), '--series-cpu'],
    ['Est. cost, last hour', money(usage.estimatedCost), '--series-disk'],
    ['Storage I/O', gib(usage.storageGb)],
    ['Egress', gib(usage.egressGb)],
  ];
  if (running !== undefined) tiles.unshift(['Running containers', String(running)]);
  return (
    <div className="summary" aria-label="Latest usage">
      {tiles.map(([label, value, color]) => (
        <div key={label} className="tile">
          <span className="tile-label">
            {color && <span style={{ display: 'inline-block', width: 8, height: 8, borderRadius: 2, background: `var(${color})` }} />}
            {label}
          </span>
          <span className="tile-value">{value}</span>
        </div>
      ))}
    </div>
  );
}
