/** The server's shapes of /api/v1/alerts/… (fleet/alerts, outbound/notifications). */
export interface RuleView {
  id: string;
  kind: string;
  builtIn: boolean;
  name: string;
  metric: string;
  op: 'gt' | 'gte' | 'lt' | 'lte';
  threshold: number;
  forSeconds: number;
  serverId: string | null;
  group: string | null;
  tag: string | null;
  severity: 'warning' | 'critical';
  enabled: boolean;
  cooldownSeconds: number;
  repeatSeconds: number;
  notifyResolved: boolean;
  channelIds: string[];
}

export interface ChannelView {
  id: string;
  name: string;
  kind: string;
  /** Redacted: tokens and passwords masked; the URL itself never comes back. */
  url: string;
  hasSecret: boolean;
  isDefault: boolean;
  enabled: boolean;
  lastDelivery: { at: string; ok: boolean; error: string | null } | null;
  pending: number;
}

export interface DeliveryAttempt {
  at: string;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/** GET /api/v1/alerts/channels/{id}: the channel and its latest delivery attempts, newest first. */
export interface ChannelDetail extends ChannelView {
  attempts: DeliveryAttempt[];
}

export interface SilenceView {
  id: string;
  serverId: string | null;
  group: string | null;
  ruleId: string | null;
  until: string;
  reason: string;
  active: boolean;
}

export interface PreviewRow {
  serverId: string;
  serverName: string;
  subject?: string;
  value: number;
  breaching: boolean;
}

export const OPS = { gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;
export const SERIES = ['cpu_percent', 'memory_percent', 'swap_percent', 'disk_percent', 'load1', 'load5', 'load15', 'net_rx_bytes_per_sec', 'net_tx_bytes_per_sec', 'max_temp_c'];
/** Kinds judged against a threshold on every sample (the others: a built-in condition). */
export const SAMPLED_KINDS = ['threshold', 'disk_full'];
