import type { PharosConfig } from '../../../platform/config/pharos-config';
import type { HistorySample, HistorySampleToRecord } from '../../../fleet/metrics/metrics.service';
import type { RecentUsageRow } from '../store/container.store';

/** Gauges that arrived since then belong to running containers (`LIGHTD_USAGE_RECENT_SECONDS`). */
export function recentUsageSince(config: PharosConfig, now = Date.now()): Date {
  return new Date(now - config.lightd.usageRecentSeconds * 1000);
}

/** The entity the daemon's sums are kept under (a container's internal id is never empty, nor this series). */
export const DAEMON_TOTAL_ENTITY = 'all';

/**
 * One history sample per daemon server at `at`: each running container's latest gauge as
 * per-entity series (by internal id), their sums at this instant as the daemon's series, and
 * how many containers ran as `process_count` (the one headline series that fits a daemon: its
 * processes are its containers; CPU and memory percentages of a host have no counterpart). A
 * container's gauge is sampled as it stands — a rolling one-hour mean — never added to earlier
 * ones.
 */
export function usageSamples(rows: RecentUsageRow[], at: Date): HistorySampleToRecord[] {
  const byServer = new Map<string, RecentUsageRow[]>();
  for (const row of rows) {
    const list = byServer.get(row.daemon.serverId) ?? [];
    list.push(row);
    byServer.set(row.daemon.serverId, list);
  }
  return [...byServer].map(([serverId, containers]) => sampleOf(serverId, containers, at));
}

const GAUGES = [
  ['usageMemoryGb', 'container_memory_gb', 'daemon_memory_gb'],
  ['usageCpuVcpus', 'container_cpu_vcpus', 'daemon_cpu_vcpus'],
  ['usageStorageGb', 'container_storage_gb', 'daemon_storage_gb'],
  ['usageEgressGb', 'container_egress_gb', 'daemon_egress_gb'],
  ['usageCost', 'container_cost', 'daemon_cost'],
] as const;

function sampleOf(serverId: string, containers: RecentUsageRow[], at: Date): HistorySampleToRecord {
  const sample: HistorySample = { timestamp: at.toISOString(), process_count: containers.length };
  const entitySeries: NonNullable<HistorySampleToRecord['entitySeries']> = {};
  for (const [column, perContainer, total] of GAUGES) {
    const values: Record<string, number> = {};
    let sum = 0;
    for (const container of containers) {
      const value = container[column];
      if (value === null || !Number.isFinite(value)) continue;
      values[container.internalId] = value;
      sum += value;
    }
    entitySeries[perContainer] = values;
    entitySeries[total] = { [DAEMON_TOTAL_ENTITY]: sum };
  }
  return { serverId, sample, entitySeries };
}
