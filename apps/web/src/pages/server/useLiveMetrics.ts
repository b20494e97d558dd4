import type { AlertData, FrontendServerMessage, LiveMetricsData, MetricHistory, MetricHistoryReply } from '@pharos/protocol';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { useLiveSocket } from '../../app/useLiveSocket';
import { appendSamples, CHART_SERIES, emptyColumns, fromHistory, type MetricColumns } from './metricData';

/** How much the live charts show. */
export const LIVE_WINDOW_MS = 10 * 60_000;

export interface LiveMetrics {
  columns: MetricColumns;
  latest: LiveMetricsData | null;
  /** Alerts firing now (resolved ones drop out). */
  alerts: AlertData[];
  state: 'connecting' | 'live' | 'reconnecting' | 'stopped';
  detail?: string;
}

/**
 * The server's metrics socket: every sample as it comes, kept for the last ten minutes
 * (started from the recorded history of those minutes, so charts are never blank on open),
 * the latest sample, and the alerts that fire.
 */
export function useLiveMetrics(serverId: string): LiveMetrics {
  const [columns, setColumns] = useState<MetricColumns>(emptyColumns);
  const [latest, setLatest] = useState<LiveMetricsData | null>(null);
  const [alerts, setAlerts] = useState<AlertData[]>([]);
  // Samples that arrive while the history is loading wait here, then join it in order.
  const pending = useRef<LiveMetricsData[] | null>([]);
  const frame = useRef<number | null>(null);
  const queued = useRef<LiveMetricsData[]>([]);

  useEffect(() => {
    let cancelled = false;
    const to = new Date();
    const from = new Date(to.getTime() - LIVE_WINDOW_MS);
    api
      .get<MetricHistoryReply>(`/api/v1/servers/${serverId}/metrics?series=${CHART_SERIES.join(',')}&from=${from.toISOString()}&to=${to.toISOString()}&points=600`)
      .catch(() => null)
      .then((history) => {
        if (cancelled) return;
        const waiting = pending.current ?? [];
        pending.current = null;
        setColumns((current) => appendSamples(history ? mergeHistory(fromHistory(history), current) : current, waiting, LIVE_WINDOW_MS));
        // Until the socket brings a sample, the gauges show the newest recorded one.
        if (history) setLatest((current) => current ?? lastRecorded(serverId, history));
      });
    return () => {
      cancelled = true;
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    };
  }, [serverId]);

  const live = useLiveSocket<FrontendServerMessage>(
    `/api/v1/ws/metrics/${serverId}`,
    (message) => {
      if (message.type === 'metrics') {
        setLatest(message.data);
        if (pending.current) {
          pending.current.push(message.data);
          return;
        }
        // Several samples in one frame are drawn once.
        queued.current.push(message.data);
        frame.current ??= requestAnimationFrame(() => {
          frame.current = null;
          const batch = queued.current.splice(0);
          setColumns((current) => appendSamples(current, batch, LIVE_WINDOW_MS));
        });
      } else if (message.type === 'alert') {
        const alert = message.data;
        setAlerts((current) => [...current.filter((a) => a.id !== alert.id), ...(alert.state === 'firing' ? [alert] : [])]);
      }
    },
    { ping: true, onOpen: () => setAlerts([]) },
  );

  return { columns, latest, alerts, state: live.state, detail: live.detail };
}

/** History first, then whatever live points are newer than its last one. */
function mergeHistory(history: MetricColumns, live: MetricColumns): MetricColumns {
  const last = history.timestamps[history.timestamps.length - 1] ?? -Infinity;
  const start = live.timestamps.findIndex((t) => t > last);
  if (start < 0) return history;
  return {
    timestamps: [...history.timestamps, ...live.timestamps.slice(start)],
    series: Object.fromEntries(CHART_SERIES.map((s) => [s, [...history.series[s], ...live.series[s].slice(start)]])) as MetricColumns['series'],
  };
}

/** The newest point of the history as a (partial) sample, for the gauges. */
function lastRecorded(serverId: string, history: MetricHistory): LiveMetricsData | null {
  const i = history.timestamps.length - 1;
  if (i < 0) return null;
  const value = (name: string) => history.series[name]?.[i] ?? undefined;
  return {
    server_id: serverId,
    source: 'agent',
    timestamp: new Date(history.timestamps[i]!).toISOString(),
    cpu_percent: value('cpu_percent') ?? NaN,
    memory_percent: value('memory_percent') ?? NaN,
    swap_percent: value('swap_percent'),
    disk_percent: value('disk_percent'),
    load1: value('load1'),
    net_rx_bytes_per_sec: value('net_rx_bytes_per_sec'),
    net_tx_bytes_per_sec: value('net_tx_bytes_per_sec'),
    disk_usage: [],
    network: [],
  };
}
