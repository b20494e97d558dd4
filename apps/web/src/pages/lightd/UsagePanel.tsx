import type { ContainerUsageView, DaemonUsageView, MetricHistoryReply } from '@pharos/protocol';
import { useMemo, useState } from 'react';
import { useApi } from '../../app/useApi';
import { TimeChart } from '../../components/charts/TimeChart';
import { Segmented } from '../../components/Segmented';
import { ErrorState } from '../../components/States';
import { clock } from '../../format/time';
import { decimal } from '../../format/units';
import type { Dictionary } from '../../i18n/en';
import { useT } from '../../i18n/i18n';

type Range = '24h' | '30d';
const RANGES: { value: Range; label: string }[] = [
  { value: '24h', label: '24 h' },
  { value: '30d', label: '30 d' },
];
const RANGE_MS: Record<Range, number> = { '24h': 86_400_000, '30d': 30 * 86_400_000 };
/** How often, about, Pharos samples a daemon's gauges into its history (LIGHTD_USAGE_SAMPLE_SECONDS's default). */
const USAGE_SAMPLE_SECONDS = 10;
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
  const t = useT();
  const resolutionWords = { raw: t.usageEverySample, '1m': t.usagePerMinute, '1h': t.usageHourly } as const;
  // The range and the moment it was chosen: choosing again asks the history afresh.
  const [{ range, anchor }, setView] = useState<{ range: Range; anchor: number }>(() => ({ range: '24h', anchor: Date.now() }));
  const { path, window } = useMemo(() => {
    const to = new Date(Math.ceil(anchor / 60_000) * 60_000);
    const from = new Date(to.getTime() - RANGE_MS[range]);
    const series = USAGE_SERIES.map((name) => `${source.of}_${name}`).join(',');
    return {
      path: `/api/v1/servers/${source.serverId}/metrics?series=${series}&entity=${encodeURIComponent(source.entity)}&from=${from.toISOString()}&to=${to.toISOString()}&points=720`,
      window: [from.getTime(), to.getTime()] as [number, number],
    };
  }, [source.serverId, source.of, source.entity, range, anchor]);
  const history = useApi<MetricHistoryReply>(path, { refreshMs: range === '24h' ? 60_000 : undefined });
  const columns = useMemo(() => {
    const h = history.data;
    const column = (name: (typeof USAGE_SERIES)[number]) => h?.entities[`${source.of}_${name}`]?.[source.entity] ?? new Array<number | null>(h?.timestamps.length ?? 0).fill(null);
    return { t: h?.timestamps ?? [], memory: column('memory_gb'), cpu: column('cpu_vcpus'), cost: column('cost') };
  }, [history.data, source.of, source.entity]);
  const emptyLabel = history.loading ? t.loadingHistory : t.noUsageInRange;
  // A line joins points up to a few steps apart (the sampler writes every ten seconds or so).
  const maxJoin = Math.max(history.data?.stepSeconds ?? 60, USAGE_SAMPLE_SECONDS) * 2.5 * 1000;
  const chart = { timestamps: columns.t, window, maxJoin, emptyLabel };

  return (
    <section className="stack" aria-label={t.usage}>
      <div className="section-title">
        <h3>{t.usage}</h3>
        <span className="muted small">{[history.data ? t.ofBillingGauges(resolutionWords[history.data.resolution]) : '', gaugeWords(t, usage)].filter(Boolean).join(' · ')}</span>
        <Segmented ariaLabel={t.usageRange} options={RANGES} value={range} onChange={(chosen) => setView({ range: chosen, anchor: Date.now() })} />
      </div>
      <UsageFigures t={t} usage={usage} running={running} />
      {history.error && !history.data ? (
        <ErrorState error={history.error} onRetry={history.reload} />
      ) : (
        <div className="charts">
          <section className="card chart-card" aria-label={t.memoryChart}>
            <h3>{t.memoryGib}</h3>
            <TimeChart {...chart} ariaLabel={t.memoryOverTime} format={gib} axisFormat={axis} lines={[{ label: t.memory, color: '--series-mem', values: columns.memory, fill: true }]} />
          </section>
          <section className="card chart-card" aria-label={t.cpuChart}>
            <h3>{t.cpuVcpus}</h3>
            <TimeChart {...chart} ariaLabel={t.cpuOverTime} format={vcpu} axisFormat={axis} lines={[{ label: t.cpu, color: '--series-cpu', values: columns.cpu, fill: true }]} />
          </section>
          <section className="card chart-card" aria-label={t.costChart}>
            <h3>{t.estimatedCostPerHour}</h3>
            <TimeChart {...chart} ariaLabel={t.costOverTime} format={money} lines={[{ label: t.costPerHourLine, color: '--series-disk', values: columns.cost, fill: true }]} />
          </section>
        </div>
      )}
    </section>
  );
}

/** When the latest gauge is from (the daemon's clock), and whether the container still runs. */
function gaugeWords(t: Dictionary, usage: ContainerUsageView | DaemonUsageView | null): string {
  if (!usage?.at) return '';
  return t.latestGauge(clock(usage.at), 'running' in usage && !usage.running);
}

/** The latest gauge (a container's) or the sum of the latest gauges (a daemon's), as tiles. */
function UsageFigures({ t, usage, running }: { t: Dictionary; usage: ContainerUsageView | DaemonUsageView | null; running?: number }) {
  if (!usage) return <p className="muted small">{t.noGaugeYet}</p>;
  const tiles: [string, string, string?][] = [
    [t.memory, gib(usage.memoryGb), '--series-mem'],
    [t.cpu, vcpu(usage.cpuVcpus), '--series-cpu'],
    [t.estCostLastHour, money(usage.estimatedCost), '--series-disk'],
    [t.storageIo, gib(usage.storageGb)],
    [t.egress, gib(usage.egressGb)],
  ];
  if (running !== undefined) tiles.unshift([t.runningContainers, String(running)]);
  return (
    <div className="summary" aria-label={t.latestUsage}>
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
