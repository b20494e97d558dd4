import type { ServerSparklines, ServerView } from '@pharos/protocol';
import { memo, type ReactNode } from 'react';
import { Link } from '../../app/router';
import { Sparkline } from '../../components/charts/Sparkline';
import { StatusBadge } from '../../components/Status';
import { ago } from '../../format/time';
import { bytesPerSecond, percent } from '../../format/units';

export const SOURCE_WORDS = { agent: 'Agent', ithiltir: 'Ithiltir node', lightd: 'Lightd daemon' } as const;

interface ServerRowProps {
  server: ServerView | undefined;
  lines: ServerSparklines | undefined;
  compact: boolean;
  /** The time "last seen" is measured against (ticks every few seconds). */
  now: number;
}

/** One server of the fleet list: who it is, whether it is up, and its last quarter hour. */
export const ServerRow = memo(function ServerRow({ server, lines, compact, now }: ServerRowProps) {
  if (!server) {
    return (
      <div className="fleet-row placeholder" aria-hidden>
        <span className="skeleton" />
      </div>
    );
  }
  const latest = lines?.latest;
  const stale = server.status !== 'online';
  const metric = (series: keyof ServerSparklines['series'], value: ReactNode, colors: string[], max?: number, extra?: (number | null)[]) => (
    <div className={stale ? 'metric stale' : 'metric'}>
      <span className="metric-value">{value}</span>
      <Sparkline values={extra ? [lines?.series[series] ?? [], extra] : [lines?.series[series] ?? []]} colors={colors} max={max} width={compact ? 64 : 60} />
    </div>
  );

  if (compact) {
    return (
      <Link href={`/servers/${server.id}`} className="fleet-row compact" data-server={server.name}>
        <div className="fleet-name">
          <span className={`dot dot-${server.status}`} aria-label={server.status} />
          <strong>{server.name}</strong>
          <span className="muted small">{ago(server.lastSeenAt, now)}</span>
        </div>
        <div className="fleet-metrics">
          {metric('cpu_percent', `CPU ${percent(latest?.cpu_percent)}`, ['--series-cpu'], 100)}
          {metric('memory_percent', `Mem ${percent(latest?.memory_percent)}`, ['--series-mem'], 100)}
        </div>
      </Link>
    );
  }

  return (
    <Link href={`/servers/${server.id}`} className="fleet-row" data-server={server.name}>
      <div className="cell c-status">
        <StatusBadge status={server.status} />
      </div>
      <div className="cell c-name fleet-name">
        <strong className="truncate">{server.name}</strong>
        <span className="muted small truncate">
          {/* Shown when the table has no room for the source column. */}
          <span className="inline-source">{SOURCE_WORDS[server.source]} · </span>
          {[server.hostname, server.group, ...server.tags.map((t) => `#${t}`)].filter(Boolean).join(' · ') || '—'}
        </span>
      </div>
      <div className="cell c-source muted">{SOURCE_WORDS[server.source]}</div>
      <div className="cell c-cpu">{metric('cpu_percent', percent(latest?.cpu_percent), ['--series-cpu'], 100)}</div>
      <div className="cell c-mem">{metric('memory_percent', percent(latest?.memory_percent), ['--series-mem'], 100)}</div>
      <div className="cell c-disk">{metric('disk_percent', percent(latest?.disk_percent), ['--series-disk'], 100)}</div>
      <div className="cell c-net">
        {metric(
          'net_rx_bytes_per_sec',
          <span className="net-value">
            <span title="received">↓ {bytesPerSecond(latest?.net_rx_bytes_per_sec)}</span>
            <span title="sent">↑ {bytesPerSecond(latest?.net_tx_bytes_per_sec)}</span>
          </span>,
          ['--series-rx', '--series-tx'],
          undefined,
          lines?.series.net_tx_bytes_per_sec ?? [],
        )}
      </div>
      <div className="cell c-seen muted small" title={server.lastSeenAt ?? undefined}>
        {ago(server.lastSeenAt, now)}
      </div>
    </Link>
  );
});
