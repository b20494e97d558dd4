import type { LightdRemoteEvent } from '@pharos/protocol';
import { planContainerUpdate } from './container-update-plan';

const at = new Date('2026-01-01T00:00:00Z');
const update = (body: Record<string, string>): LightdRemoteEvent => ({ kind: 'update', body: { event: 'update', server: 's1', ...body } });

describe('planContainerUpdate', () => {
  it('logs a status only when it changes (Lightd reports installing twice per install)', () => {
    const first = planContainerUpdate({ internalId: 's1', previousStatus: null, event: update({ status: 'installing' }), at });
    expect(first.changes).toEqual({ status: 'installing', statusChangedAt: at });
    expect(first.entries).toEqual([expect.objectContaining({ kind: 'container.status', level: 'INFO', message: 'Container s1: installing' })]);

    const again = planContainerUpdate({ internalId: 's1', previousStatus: 'installing', event: update({ status: 'installing' }), at });
    expect(again.changes).toEqual({});
    expect(again.entries).toEqual([]);
    expect(again.reportedStatus).toBe('installing');

    const ready = planContainerUpdate({ internalId: 's1', previousStatus: 'installing', event: update({ status: 'ready' }), at });
    expect(ready.entries[0]).toMatchObject({ message: 'Container s1: ready (was installing)', data: { status: 'ready', previousStatus: 'installing' } });
  });

  it('marks an error update failed and keeps the error, with or without details', () => {
    const plan = planContainerUpdate({
      internalId: 's1',
      previousStatus: 'installing',
      event: update({ error: 'failed', data: 'Docker container creation failed: image not found' }),
      at,
    });
    expect(plan.changes).toEqual({
      status: 'failed',
      statusChangedAt: at,
      lastError: 'failed',
      lastErrorData: 'Docker container creation failed: image not found',
      lastErrorAt: at,
    });
    expect(plan.reportedStatus).toBeNull();
    expect(plan.entries).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        kind: 'container.error',
        message: 'Container s1: failed — Docker container creation failed: image not found (was installing)',
      }),
    ]);

    const bare = planContainerUpdate({ internalId: 's1', previousStatus: 'failed', event: update({ error: 'failed' }), at });
    expect(bare.changes).toEqual({ lastError: 'failed', lastErrorData: null, lastErrorAt: at });
    expect(bare.entries[0]!.message).toBe('Container s1: failed');
  });

  it('logs a reported failed status at ERROR level', () => {
    const plan = planContainerUpdate({ internalId: 's1', previousStatus: 'ready', event: update({ status: 'failed' }), at });
    expect(plan.entries[0]).toMatchObject({ level: 'ERROR', message: 'Container s1: failed (was ready)' });
  });

  it('clips a huge error in the message and keeps it whole in the data', () => {
    const data = 'x'.repeat(5000);
    const plan = planContainerUpdate({ internalId: 's1', previousStatus: null, event: update({ error: 'failed', data }), at });
    expect(plan.entries[0]!.message.length).toBe(1000);
    expect(plan.entries[0]!.data).toMatchObject({ data });
  });

  it('changes nothing for billing and other kinds', () => {
    const billing: LightdRemoteEvent = {
      kind: 'billing',
      body: { event: 'billing', server: 's1', memory_gb: 1, cpu_vcpus: 1, storage_gb: 1, egress_gb: 0, duration_hours: 1, estimated_cost: 0, timestamp: 1 },
    };
    expect(planContainerUpdate({ internalId: 's1', previousStatus: 'ready', event: billing, at })).toEqual({ changes: {}, reportedStatus: null, entries: [] });
  });
});
