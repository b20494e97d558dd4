import type { AlertData, FrontendServerMessage, LiveMetricsData, MetricHistory, MetricHistoryReply } from '@pharos/protocol';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { LiveState } from '../../api/live-socket';
import { useLiveSocket } from '../../app/useLiveSocket';
import { appendSamples, CHART_SERIES, emptyColumns, ENTITY_CHART_SERIES, fromHistory, type MetricColumns, mergeHistory } from './metricData';

/** How much the live charts show. */
export const LIVE_WINDOW_MS = 10 * 60_000;
/** The live window's history comes raw, in steps of this many seconds. */
export const LIVE_STEP_SECONDS = 1;

export interface LiveMetrics {
  columns: MetricColumns;
  /** The newest sample: from the socket, or until one comes the newest recorded one. */
  latest: LiveMetricsData | null;
  /** Whether `latest` came over the socket (rather than from the recorded history). */
  latestIsLive: boolean;
  /** Alerts firing now (resolved ones drop out). */
  alerts: AlertData[];
  state: LiveState;
  detail?: string;
}

/**
 * The server's metrics socket: every sample as it comes, kept for the last ten minutes
 * (started from the recorded history of those minutes, so the charts show one line from the
 * history into the live samples), the latest sample, and the alerts that fire.
 */
export function useLiveMetrics(serverId: string, lastSeenAt: string | null | undefined): LiveMetrics {
  const [columns, setColumns] = useState<MetricColumns>(emptyColumns);
  const [latest, setLatest] = useState<{ sample: LiveMetricsData; live: boolean } | null>(null);
  const [alerts, setAlerts] = useState<AlertData[]>([]);
  // Samples that arrive while the history is loading wait here, then join it in order.
  const pending = useRef<LiveMetricsData[] | null>([]);
  const frame = useRef<number | null>(null);
  const queued = useRef<LiveMetricsData[]>([]);

  useEffect(() => {
    let cancelled = false;
    const to = new Date();
    const from = new Date(to.getTime() - LIVE_WINDOW_MS);
    const series = [...CHART_SERIES, ...ENTITY_CHART_SERIES].join(',');
    const points = LIVE_WINDOW_MS / 1000 / LIVE_STEP_SECONDS;
    api
      .get<MetricHistoryReply>(`/api/v1/servers/${serverId}/metrics?series=${series}&from=${from.toISOString()}&to=${to.toISOString()}&points=${points}&resolution=raw`)
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

  // A server silent for longer than the window: its last values are those of its last minutes.
  const lastSeen = lastSeenAt ? Date.parse(lastSeenAt) : NaN;
  const silentLong = Number.isFinite(lastSeen) && Date.now() - lastSeen > LIVE_WINDOW_MS;
  useEffect(() => {
    if (!silentLong) return;
    let cancelled = false;
    const from = new Date(lastSeen - LIVE_WINDOW_MS).toISOString();
    const to = new Date(lastSeen + 1000).toISOString();
    api
      .get<MetricHistoryReply>(`/api/v1/servers/${serverId}/metrics?series=${CHART_SERIES.join(',')}&from=${from}&to=${to}&points=600&resolution=raw`)
      .then((history) => !cancelled && setLatest((current) => current ?? lastRecorded(serverId, history)))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [serverId, silentLong, lastSeen]);

  const live = useLiveSocket<FrontendServerMessage>(
    `/api/v1/ws/metrics/${serverId}`,
    (message) => {
      if (message.type === 'metrics') {
        setLatest({ sample: message.data, live: true });
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

  return { columns, latest: latest?.sample ?? null, latestIsLive: latest?.live ?? false, alerts, state: live.state, detail: live.detail };
}

/** The newest point of the history as a (partial) sample, for the gauges. */
function lastRecorded(serverId: string, history: MetricHistory): { sample: LiveMetricsData; live: boolean } | null {
  const i = history.timestamps.length - 1;
  if (i < 0) return null;
  const value = (name: string) => history.series[name]?.[i] ?? undefined;
  const sample: LiveMetricsData = {
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
  return { sample, live: false };
}
