import type { MetricHistoryReply } from '@pharos/protocol';
import { useMemo, useState } from 'react';
import { useApi } from '../../app/useApi';
import { Segmented } from '../../components/Segmented';
import { ErrorState } from '../../components/States';
import { CHART_SERIES, emptyColumns, fromHistory } from './metricData';
import { MetricCharts } from './MetricCharts';
import type { LiveMetrics } from './useLiveMetrics';

type Range = 'live' | '1h' | '24h' | '7d' | '30d';
const RANGES: { value: Range; label: string }[] = [
  { value: 'live', label: 'Live' },
  { value: '1h', label: '1 h' },
  { value: '24h', label: '24 h' },
  { value: '7d', label: '7 d' },
  { value: '30d', label: '30 d' },
];
const RANGE_MS: Record<Exclude<Range, 'live'>, number> = { '1h': 3600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
const EMPTY = emptyColumns();
const RESOLUTION_WORDS = { raw: 'every sample', '1m': 'per-minute averages', '1h': 'hourly averages' } as const;

/** Charts of the last ten minutes as they happen, or of a longer range from the history. */
export function MetricsPanel({ serverId, live }: { serverId: string; live: LiveMetrics }) {
  const [range, setRange] = useState<Range>('live');
  // The history's end moves with its refreshes; a new range asks at once.
  const [anchor, setAnchor] = useState(() => Date.now());
  const path = useMemo(() => {
    if (range === 'live') return null;
    const to = new Date(Math.ceil(anchor / 60_000) * 60_000);
    const from = new Date(to.getTime() - RANGE_MS[range]);
    return `/api/v1/servers/${serverId}/metrics?series=${CHART_SERIES.join(',')}&from=${from.toISOString()}&to=${to.toISOString()}&points=720`;
  }, [serverId, range, anchor]);
  const history = useApi<MetricHistoryReply>(path, { refreshMs: range === '1h' ? 30_000 : range === '24h' ? 120_000 : undefined });
  const columns = useMemo(() => (history.data ? fromHistory(history.data) : null), [history.data]);

  return (
    <section className="stack" aria-label="Metrics">
      <div className="section-title">
        <h3>Metrics</h3>
        <span className="muted small">
          {range === 'live' ? 'last 10 minutes, as samples arrive' : history.data ? RESOLUTION_WORDS[history.data.resolution] : ''}
        </span>
        <Segmented
          ariaLabel="Time range"
          options={RANGES}
          value={range}
          onChange={(r) => {
            setRange(r);
            setAnchor(Date.now());
          }}
        />
      </div>
      {range === 'live' ? (
        <MetricCharts columns={live.columns} emptyLabel={live.state === 'live' ? 'Waiting for the first sample…' : 'Connecting…'} />
      ) : history.error && !columns ? (
        <ErrorState error={history.error} onRetry={history.reload} />
      ) : (
        <MetricCharts columns={columns ?? EMPTY} emptyLabel={history.loading ? 'Loading history…' : 'No samples in this range'} />
      )}
    </section>
  );
}
