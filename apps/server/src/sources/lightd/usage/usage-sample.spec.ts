import { usageSamples } from './usage-sample';

const row = (serverId: string, internalId: string, memory: number | null, cost: number) => ({
  internalId,
  usageMemoryGb: memory,
  usageCpuVcpus: 0.5,
  usageStorageGb: 1,
  usageEgressGb: 0.25,
  usageCost: cost,
  daemon: { serverId },
});

describe('usageSamples', () => {
  it('makes one sample per daemon server: each container\'s gauge as it stands, and their sums at this instant', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const [a, b] = usageSamples([row('srv-a', 'mc-1', 2, 0.03), row('srv-a', 'mc-2', null, 0.01), row('srv-b', 'mc-1', 4, 0.05)], at);
    expect(a).toEqual({
      serverId: 'srv-a',
      sample: { timestamp: '2026-01-01T00:00:00.000Z', process_count: 2 },
      entitySeries: {
        container_memory_gb: { 'mc-1': 2 },
        daemon_memory_gb: { all: 2 },
        container_cpu_vcpus: { 'mc-1': 0.5, 'mc-2': 0.5 },
        daemon_cpu_vcpus: { all: 1 },
        container_storage_gb: { 'mc-1': 1, 'mc-2': 1 },
        daemon_storage_gb: { all: 2 },
        container_egress_gb: { 'mc-1': 0.25, 'mc-2': 0.25 },
        daemon_egress_gb: { all: 0.5 },
        container_cost: { 'mc-1': 0.03, 'mc-2': 0.01 },
        daemon_cost: { all: 0.04 },
      },
    });
    expect(b!.entitySeries!.container_memory_gb).toEqual({ 'mc-1': 4 });
  });
});
