/**
 * The alerts API's shapes (`/api/v1/alerts/…`: rules, their preview, channels with their
 * delivery attempts, silences), as the server answers them and the dashboard reads them.
 */

/**
 * What a rule watches: `threshold` compares a live series with a number; the others are the
 * built-in conditions, seeded on (command failed: opt-in) by the migration
 * `20261207034000_alert_channels_outbox`, editable and disableable but not deletable.
 */
export const ALERT_KINDS = ['threshold', 'server_offline', 'daemon_offline', 'container_failed', 'raid_degraded', 'smart_failed', 'disk_full', 'command_failed'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Kinds judged on every metrics sample (a value against the rule's threshold, with its hold). */
export const SAMPLED_KINDS: readonly AlertKind[] = ['threshold', 'disk_full'];

/** How a rule compares a series to its threshold. */
export const ALERT_OPS = ['gt', 'gte', 'lt', 'lte'] as const;
export type AlertOp = (typeof ALERT_OPS)[number];

/** How each comparison reads. */
export const ALERT_OP_SYMBOLS: Record<AlertOp, string> = { gt: '>', gte: '≥', lt: '<', lte: '≤' };

export interface AlertRuleView {
  id: string;
  kind: AlertKind;
  builtIn: boolean;
  name: string;
  metric: string;
  op: AlertOp;
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
  createdAt: string;
  updatedAt: string;
}

/** `POST /api/v1/alerts/rules/preview`: a server (and what of it) the rule would judge now. */
export interface AlertRulePreviewRow {
  serverId: string;
  serverName: string;
  subject?: string;
  value: number;
  breaching: boolean;
}

export interface ChannelView {
  id: string;
  name: string;
  kind: string;
  /** Tokens and passwords masked; the URL itself is never returned. */
  url: string;
  hasSecret: boolean;
  isDefault: boolean;
  enabled: boolean;
  lastDelivery: { at: string; ok: boolean; error: string | null } | null;
  pending: number;
  createdAt: string;
}

export interface DeliveryAttemptView {
  at: string;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/** `GET /api/v1/alerts/channels/{id}`: the channel and its latest delivery attempts, newest first. */
export interface ChannelDetail extends ChannelView {
  attempts: DeliveryAttemptView[];
}

export interface SilenceView {
  id: string;
  serverId: string | null;
  group: string | null;
  ruleId: string | null;
  until: string;
  reason: string;
  active: boolean;
  createdAt: string;
}
