/**
 * What the REST API answers, as JSON (dates are ISO strings). The live sockets' messages are
 * the wire types of `@pharos/protocol`; these are the views the controllers return. Those the
 * server declares in `@pharos/protocol` (admin-api) are re-exported from there.
 */
export type {
  AgentKeyView,
  AuditEntryView,
  AuditPage,
  CommandState,
  CommandView,
  ContainerCounts,
  ContainerHistoryPage,
  ContainerStatus,
  ContainerUpdateView,
  ContainerView,
  DaemonDetailView,
  DaemonStatus,
  DaemonView,
  IssuedAgentKey,
  IssuedNodeSecret,
  IssuedRemoteToken,
  NodeDetail,
  NodeFactsView,
  NodeRolloutState,
  NodeView,
  PasswordReset,
  PasswordResetRequest,
  ReleaseTargetView,
  ReleaseView,
  RolloutProgress,
  ServerSource,
  ServerStatus,
  ServerView,
  UserChanges,
  UserRole,
  UserView,
} from '@pharos/protocol';

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface ServerFacets {
  groups: string[];
  tags: string[];
}

export interface MetricHistory {
  resolution: 'raw' | '1m' | '1h';
  stepSeconds: number;
  from: string;
  to: string;
  timestamps: number[];
  series: Record<string, (number | null)[]>;
}

export const SPARKLINE_SERIES = ['cpu_percent', 'memory_percent', 'disk_percent', 'net_rx_bytes_per_sec', 'net_tx_bytes_per_sec'] as const;
export type SparklineSeriesName = (typeof SPARKLINE_SERIES)[number];

export interface ServerSparklines {
  series: Record<SparklineSeriesName, (number | null)[]>;
  latest: ({ at: string } & Record<SparklineSeriesName, number | null>) | null;
}

export interface FleetSparklines {
  stepSeconds: number;
  timestamps: number[];
  servers: Record<string, ServerSparklines>;
}

/** One entry of a subject's event log (the REST page and the logs socket send the same). */
export interface EventEntry {
  id?: string;
  level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  message: string;
  timestamp: string;
  kind?: string;
  data?: unknown;
}

// ------------------------------------------------------------------ commands (agents)

export const DOCKER_ACTIONS = ['start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'remove'] as const;
export type DockerAction = (typeof DOCKER_ACTIONS)[number];
