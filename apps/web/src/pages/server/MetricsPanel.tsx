import type { HistoryResolution, MetricHistoryReply, ServerView } from '@pharos/protocol';
import { useMemo } from 'react';
import { useNow } from '../../app/hooks';
import { useApi } from '../../app/useApi';
import { maxJoinMs } from '../../components/charts/series';
import { Segmented } from '../../components/Segmented';
import { ErrorState } from '../../components/States';
import { ago } from '../../format/time';
import { useT } from '../../i18n/i18n';
import { CHART_SERIES, emptyColumns, ENTITY_CHART_SERIES, fromHistory } from './metricData';
import { MetricCharts } from './MetricCharts';
import { LIVE_STEP_SECONDS, LIVE_WINDOW_MS, type LiveMetrics } from './useLiveMetrics';

export type Range = 'live' | '1h' | '24h' | '7d' | '30d';
export const RANGES: Range[] = ['live', '1h', '24h', '7d', '30d'];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Each longer range from the rollups (minutes up to a day, hours beyond), with their min/max
 * bands, at a step that gives a point per pixel or so; refreshed as often as a step passes.
 */
const RANGE_SPEC: Record<Exclude<Range, 'live'>, { ms: number; resolution: HistoryResolution; points: number; refreshMs: number }> = {
  '1h': { ms: HOUR, resolution: '1m', points: 60, refreshMs: 30_000 },
  '24h': { ms: DAY, resolution: '1m', points: 720, refreshMs: 2 * MINUTE },
  '7d': { ms: 7 * DAY, resolution: '1h', points: 168, refreshMs: 10 * MINUTE },
  '30d': { ms: 30 * DAY, resolution: '1h', points: 720, refreshMs: 10 * MINUTE },
};
const EMPTY = emptyColumns();
const SERIES = [...CHART_SERIES, ...ENTITY_CHART_SERIES].join(',');

/** Charts of the last ten minutes as they happen, or of a longer range from the history. */
export function MetricsPanel({ server, live, range, onRange }: { server: ServerView; live: LiveMetrics; range: Range; onRange: (range: Range) => void }) {
  const t = useT();
  const spec = range === 'live' ? null : RANGE_SPEC[range];
  // The range ends now: its end moves on as often as it is refreshed (whole minutes).
  const tick = useNow(spec?.refreshMs ?? 5000);
  const path = useMemo(() => {
    if (!spec) return null;
    const to = Math.ceil(tick / MINUTE) * MINUTE;
    const from = new Date(to - spec.ms).toISOString();
    return `/api/v1/servers/${server.id}/metrics?series=${SERIES}&from=${from}&to=${new Date(to).toISOString()}&points=${spec.points}&resolution=${spec.resolution}`;
  }, [server.id, spec, tick]);
  const history = useApi<MetricHistoryReply>(path);
  const columns = useMemo(() => (history.data ? fromHistory(history.data) : null), [history.data]);
  const labels: Record<Range, string> = { live: t.rangeLive, '1h': t.range1h, '24h': t.range24h, '7d': t.range7d, '30d': t.range30d };
  const resolutionWords: Record<HistoryResolution, string> = { raw: t.everySample, '1m': t.perMinute, '1h': t.perHour };

  const liveEnd = Math.max(tick, live.columns.timestamps[live.columns.timestamps.length - 1] ?? 0);
  const historyWindow: [number, number] | null = history.data ? [Date.parse(history.data.from), Date.parse(history.data.to)] : null;
  const offlineLabel = server.status === 'online' ? null : t.noSamplesLastSeen(ago(server.lastSeenAt, tick));

  return (
    <section className="stack" aria-labelledby="metrics-heading">
      <div className="section-title">
        <h2 id="metrics-heading">{t.metrics}</h2>
        <span className="muted small">{range === 'live' ? t.liveSubtitle : history.data ? resolutionWords[history.data.resolution] : ''}</span>
        <Segmented ariaLabel={t.timeRange} options={RANGES.map((r) => ({ value: r, label: labels[r] }))} value={range} onChange={onRange} />
      </div>
      {range === 'live' ? (
        <MetricCharts
          columns={live.columns}
          window={[liveEnd - LIVE_WINDOW_MS, liveEnd]}
          maxJoin={maxJoinMs(server.reportIntervalSeconds, LIVE_STEP_SECONDS)}
          emptyLabel={offlineLabel ?? (live.state === 'live' ? t.waitingForFirstSample : t.liveConnecting)}
        />
      ) : history.error && !columns ? (
        <ErrorState error={history.error} onRetry={history.reload} />
      ) : (
        <MetricCharts
          columns={columns ?? EMPTY}
          window={historyWindow ?? [tick - spec!.ms, tick]}
          maxJoin={maxJoinMs(server.reportIntervalSeconds, history.data?.stepSeconds)}
          emptyLabel={history.loading && !columns ? t.loadingHistory : t.noSamplesInRange}
        />
      )}
    </section>
  );
}
