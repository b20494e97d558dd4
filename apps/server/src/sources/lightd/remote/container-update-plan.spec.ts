import type { ContainerStatus } from '@pharos/database';
import { type ContainerEvent, type ContainerStatusState, planContainerUpdate } from './container-update-plan';

const at = new Date('2026-01-01T00:00:10Z');
const rules = { settleMs: 5000 };
const update = (body: Record<string, string>): ContainerEvent => ({ kind: 'update', body: { event: 'update', server: 's1', ...body } });
const was = (status: ContainerStatus | null, secondsAgo = 60): ContainerStatusState => ({ status, statusChangedAt: status ? new Date(at.getTime() - secondsAgo * 1000) : null });
const plan = (previous: ContainerStatusState, event: ContainerEvent) => planContainerUpdate({ internalId: 's1', previous, event, at, rules });

describe('planContainerUpdate', () => {
  it('logs a status only when it changes (Lightd reports installing twice per install)', () => {
    const first = plan(was(null), update({ status: 'installing' }));
    expect(first.changes).toEqual({ status: 'installing', statusChangedAt: at });
    expect(first.entries).toEqual([expect.objectContaining({ kind: 'container.status', level: 'INFO', message: 'Container s1: installing' })]);
    const again = plan(was('installing'), update({ status: 'installing' }));
    expect(again).toMatchObject({ changes: {}, entries: [], reportedStatus: 'installing', keepRow: true, confirm: false });
    const ready = plan(was('installing'), update({ status: 'ready' }));
    expect(ready.entries[0]).toMatchObject({ message: 'Container s1: ready (was installing)', data: { status: 'ready', previousStatus: 'installing' } });
  });

  it('keeps ready through the post-start installing, kept as it came, and asks the daemon', () => {
    const check = plan(was('ready', 2), update({ status: 'installing' }));
    expect(check).toEqual({ changes: {}, reportedStatus: 'installing', keepRow: true, confirm: true, entries: [] });
  });

  it('does not let an installing fired before a failure undo it, but a later one (a reinstall) moves it', () => {
    expect(plan(was('failed', 1), update({ status: 'installing' }))).toMatchObject({ changes: {}, confirm: true });
    expect(plan(was('failed', 60), update({ status: 'installing' }))).toMatchObject({ changes: { status: 'installing' }, confirm: false });
  });

  it('marks an error update failed and keeps the error, whatever the status was', () => {
    const failed = plan(was('ready', 1), update({ error: 'failed', data: 'Docker container creation failed: image not found' }));
    expect(failed.changes).toEqual({
      status: 'failed',
      statusChangedAt: at,
      lastError: 'failed',
      lastErrorData: 'Docker container creation failed: image not found',
      lastErrorAt: at,
    });
    expect(failed.reportedStatus).toBeNull();
    expect(failed.entries).toEqual([
      expect.objectContaining({ level: 'ERROR', kind: 'container.error', message: 'Container s1: failed — Docker container creation failed: image not found (was ready)' }),
    ]);
    const bare = plan(was('failed'), update({ error: 'failed' }));
    expect(bare.changes).toEqual({ lastError: 'failed', lastErrorData: null, lastErrorAt: at });
    expect(bare.entries[0]!.message).toBe('Container s1: failed');
  });

  it('sets what the daemon\'s API said, unless the status moved since the doubt arose', () => {
    const check = (install_state: string, askedSecondsAgo: number): ContainerEvent => ({
      kind: 'status_check',
      body: { event: 'status_check', server: 's1', asked_at: new Date(at.getTime() - askedSecondsAgo * 1000).toISOString(), internal_id: 's1', install_state, is_installing: install_state === 'installing' },
    });
    const reinstall = plan(was('ready', 60), check('installing', 1));
    expect(reinstall.changes).toEqual({ status: 'installing', statusChangedAt: at });
    expect(reinstall.entries[0]!.message).toBe('Container s1: installing (was ready) (confirmed by the daemon\'s API)');
    expect(plan(was('ready', 60), check('ready', 1))).toMatchObject({ changes: {}, reportedStatus: 'ready', keepRow: true, entries: [] });
    // Ready came after the check was asked for: the answer is stale.
    expect(plan(was('ready', 1), check('installing', 2))).toMatchObject({ changes: {}, entries: [] });
  });

  it('clips a huge error in the message and keeps it whole in the data', () => {
    const data = 'x'.repeat(5000);
    const huge = plan(was(null), update({ error: 'failed', data }));
    expect(huge.entries[0]!.message.length).toBe(1000);
    expect(huge.entries[0]!.data).toMatchObject({ data });
  });

  it('keeps a billing event as the latest gauge, with no history row, and changes nothing else', () => {
    const billing: ContainerEvent = {
      kind: 'billing',
      body: { event: 'billing', server: 's1', memory_gb: 1.5, cpu_vcpus: 0.25, storage_gb: 2, egress_gb: 0.1, duration_hours: 1, estimated_cost: 0.02, timestamp: 1767225600 },
    };
    expect(plan(was('ready'), billing)).toEqual({
      changes: {},
      reportedStatus: null,
      keepRow: false,
      confirm: false,
      entries: [],
      usage: { memoryGb: 1.5, cpuVcpus: 0.25, storageGb: 2, egressGb: 0.1, cost: 0.02, at: new Date('2026-01-01T00:00:00Z'), receivedAt: at },
    });
  });
});
