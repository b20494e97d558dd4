import type { ServerListItem, ServerSource, ServerSparklines, SparklineSeriesName } from '@pharos/protocol';
import { memo, type ReactNode } from 'react';
import { Link } from '../../app/router';
import { Sparkline } from '../../components/charts/Sparkline';
import { AlertBadge, StatusBadge } from '../../components/Status';
import { ago, dateTime } from '../../format/time';
import { bytesPerSecond, percent } from '../../format/units';
import type { Dictionary } from '../../i18n/en';
import { useT } from '../../i18n/i18n';

export function sourceWord(t: Dictionary, source: ServerSource): string {
  return source === 'agent' ? t.sourceAgent : source === 'lightd' ? t.sourceLightd : t.sourceNode;
}

export interface ServerRowProps {
  server: ServerListItem | undefined;
  lines: ServerSparklines | undefined;
  layout: 'table' | 'compact';
  /** The time "last seen" is measured against (ticks every few seconds). */
  now: number;
  sparkWidth: number;
  /** Present when rows can be selected (admins): whether this one is, and how to change it. */
  selection?: { selected: boolean; toggle: (server: ServerListItem) => void };
}

/** A metric's latest value beside its last quarter hour, greyed when the server is not reporting. */
function Metric({ value, values, colors, scale, stale, width }: { value: ReactNode; values: (number | null)[][]; colors: string[]; scale: 'percent' | 'rate'; stale: boolean; width: number }) {
  return (
    <div className={stale ? 'metric stale' : 'metric'}>
      <span className="metric-value">{value}</span>
      <Sparkline values={values} colors={colors} scale={scale} width={width} />
    </div>
  );
}

type Measure = 'cpu' | 'mem' | 'disk' | 'net';
const MEASURES: Record<Measure, { series: SparklineSeriesName[]; colors: string[]; scale: 'percent' | 'rate'; label: (t: Dictionary) => string }> = {
  cpu: { series: ['cpu_percent'], colors: ['--series-cpu'], scale: 'percent', label: (t) => t.cpu },
  mem: { series: ['memory_percent'], colors: ['--series-mem'], scale: 'percent', label: (t) => t.mem },
  disk: { series: ['disk_percent'], colors: ['--series-disk'], scale: 'percent', label: (t) => t.disk },
  net: { series: ['net_rx_bytes_per_sec', 'net_tx_bytes_per_sec'], colors: ['--series-rx', '--series-tx'], scale: 'rate', label: () => '' },
};

/**
 * One of the four measures a fleet row or card shows (CPU, memory, disk, network), with its
 * name before the value where no column header names it (`labelled`: cards, phone rows).
 */
export function FleetMetric({ measure, lines, stale, width, labelled = false }: { measure: Measure; lines: ServerSparklines | undefined; stale: boolean; width: number; labelled?: boolean }) {
  const t = useT();
  const m = MEASURES[measure];
  const latest = lines?.latest;
  const value =
    measure !== 'net' ? (
      `${labelled ? `${m.label(t)} ` : ''}${percent(latest?.[m.series[0]!])}`
    ) : labelled ? (
      `↓ ${bytesPerSecond(latest?.net_rx_bytes_per_sec)}`
    ) : (
      <span className="net-value">
        <span title={t.received}>↓ {bytesPerSecond(latest?.net_rx_bytes_per_sec)}</span>
        <span title={t.sent}>↑ {bytesPerSecond(latest?.net_tx_bytes_per_sec)}</span>
      </span>
    );
  return <Metric value={value} values={m.series.map((name) => lines?.series[name] ?? [])} colors={m.colors} scale={m.scale} stale={stale} width={width} />;
}

/**
 * One server of the fleet table: who it is, whether it is up, its alerts and its last quarter
 * hour, as the cells of a row (the row itself is the list's). The name links to the server
 * page, and the link covers the whole row.
 */
export const ServerRow = memo(function ServerRow({ server, lines, layout, now, sparkWidth, selection }: ServerRowProps) {
  const t = useT();
  if (!server) {
    return (
      <div className={layout === 'compact' ? 'fleet-row compact placeholder' : 'fleet-row placeholder'} role="none">
        <span className="skeleton" role={layout === 'table' ? 'cell' : undefined} aria-label={t.loading} />
      </div>
    );
  }
  const stale = server.status !== 'online';
  const select = selection && (
    <input
      type="checkbox"
      className="row-select"
      checked={selection.selected}
      onChange={() => selection.toggle(server)}
      aria-label={t.selectServer(server.name)}
    />
  );
  const name = (
    <Link href={`/servers/${server.id}`} className="row-link">
      <strong className="truncate">{server.name}</strong>
    </Link>
  );

  if (layout === 'compact') {
    return (
      <div className={`fleet-row compact status-row-${server.status}`} data-server={server.name}>
        <div className="fleet-name">
          {select}
          <span className={`dot dot-${server.status}`} role="img" aria-label={t[`status${cap(server.status)}`]} />
          {name}
          <AlertBadge critical={server.alerts.critical} warning={server.alerts.warning} />
          <span className="muted small seen">{ago(server.lastSeenAt, now)}</span>
        </div>
        <div className="fleet-metrics">
          <FleetMetric measure="cpu" lines={lines} stale={stale} width={sparkWidth} labelled />
          <FleetMetric measure="mem" lines={lines} stale={stale} width={sparkWidth} labelled />
        </div>
      </div>
    );
  }

  return (
    <div className={`fleet-row status-row-${server.status}`} data-server={server.name} role="none">
      <div className="cell c-status" role="cell">
        <StatusBadge status={server.status} />
      </div>
      <div className="cell c-name fleet-name" role="cell">
        <div className="name-line">
          {select}
          {name}
          <AlertBadge critical={server.alerts.critical} warning={server.alerts.warning} />
        </div>
        <span className="muted small truncate">
          {/* Shown when the table has no room for the source column. */}
          <span className="inline-source">{sourceWord(t, server.source)} · </span>
          {[server.hostname, server.group, ...server.tags.map((tag) => `#${tag}`)].filter(Boolean).join(' · ') || '—'}
        </span>
      </div>
      <div className="cell c-source muted" role="cell">
        {sourceWord(t, server.source)}
      </div>
      {(['cpu', 'mem', 'disk', 'net'] as const).map((measure) => (
        <div key={measure} className={`cell c-${measure}`} role="cell">
          <FleetMetric measure={measure} lines={lines} stale={stale} width={sparkWidth} />
        </div>
      ))}
      <div className="cell c-seen muted small" role="cell" title={dateTime(server.lastSeenAt)}>
        {ago(server.lastSeenAt, now)}
      </div>
    </div>
  );
});

function cap<S extends string>(s: S): Capitalize<S> {
  return (s[0]!.toUpperCase() + s.slice(1)) as Capitalize<S>;
}
