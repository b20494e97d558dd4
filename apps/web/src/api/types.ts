/**
 * What the REST API answers, as JSON (dates are ISO strings). The live sockets' messages are
 * the wire types of `@pharos/protocol`; these are the views the controllers return. Those the
 * server declares in `@pharos/protocol` (admin-api) are re-exported from there.
 */
import type { DaemonStatus, ServerStatus } from '@pharos/protocol';

export type {
  AuditEntryView,
  AuditPage,
  CommandState,
  CommandView,
  ContainerCounts,
  DaemonDetailView,
  DaemonStatus,
  DaemonView,
  IssuedNodeSecret,
  IssuedRemoteToken,
  NodeDetail,
  NodeFactsView,
  NodeView,
  PasswordReset,
  PasswordResetRequest,
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

export interface AgentKeyView {
  id: string;
  serverId: string;
  prefix: string;
  createdAt: string;
  createdById: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

// ------------------------------------------------------------------ Lightd

export type ContainerStatus = 'installing' | 'ready' | 'failed';

export interface ContainerView {
  id: string;
  internalId: string;
  daemon: { id: string; name: string; status: DaemonStatus };
  status: ContainerStatus | null;
  statusChangedAt: string | null;
  lastError: string | null;
  lastErrorData: string | null;
  lastErrorAt: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface ContainerUpdateView {
  id: string;
  receivedAt: string;
  event: string;
  status: ContainerStatus | null;
  error: string | null;
  data: string | null;
  body: unknown;
}

export interface ContainerHistoryPage {
  items: ContainerUpdateView[];
  nextBefore: string | null;
}

// ------------------------------------------------------------------ Ithiltir nodes

// ------------------------------------------------------------------ releases

export interface ReleaseView {
  id: string;
  version: string;
  os: string;
  arch: string;
  fileName: string;
  sha256: string;
  size: number;
  url: string;
  createdAt: string;
}

export interface ReleaseTargetView {
  id: string;
  version: string;
  scope: 'all' | 'group' | 'servers';
  group: string | null;
  serverId: string | null;
  createdAt: string;
}

export type NodeRolloutState = 'updated' | 'offered' | 'pending' | 'ineligible';

export interface RolloutProgress {
  version: string;
  builds: { releaseId: string; os: string; arch: string }[];
  counts: Record<NodeRolloutState, number> & { targeted: number };
  nodes: { serverId: string; name: string; group: string | null; status: ServerStatus; version: string | null; state: NodeRolloutState; reason?: string }[];
}
