import type { ContainerStatus } from '@pharos/database';
import { cutText, LIGHTD_CONTAINER_STATUSES, type LightdInstallStatusReply, type LightdRemoteEvent } from '@pharos/protocol';
import type { NewLogEntry } from '../../../fleet/event-log/event-log.service';

/** Longest event-log message; the whole text stays in the entry's data and the update history. */
const MAX_MESSAGE_LENGTH = 1000;

/**
 * What Lightd's own API said of a container when Pharos asked (`GET /containers/{id}/status`,
 * after a doubtful update), kept in its history as event `status_check`. `asked_at`: when the
 * update that raised the doubt arrived; a status change after it makes the answer stale.
 */
export type LightdStatusCheck = { event: 'status_check'; server: string; asked_at: string } & LightdInstallStatusReply;

/** What the update batch takes: an update Lightd posted, or what its API answered Pharos. */
export type ContainerEvent = LightdRemoteEvent | { kind: 'status_check'; body: LightdStatusCheck };

/** A container's latest billing gauge (a rolling one-hour mean: the latest replaces, never adds up). */
export interface UsageGauge {
  memoryGb: number;
  cpuVcpus: number;
  storageGb: number;
  egressGb: number;
  cost: number;
  /** The daemon's timestamp of it. */
  at: Date;
  receivedAt: Date;
}

/** A container's status as the batch sees it before an update. */
export interface ContainerStatusState {
  status: ContainerStatus | null;
  statusChangedAt: Date | null;
}

export interface ContainerUpdatePlan {
  /** The container's new current state (empty when the update changes nothing but "last seen"). */
  changes: {
    status?: ContainerStatus;
    statusChangedAt?: Date;
    lastError?: string;
    lastErrorData?: string | null;
    lastErrorAt?: Date;
  };
  /** A billing gauge to keep as the container's latest. */
  usage?: UsageGauge;
  /** The status the update reported, for the history row. */
  reportedStatus: ContainerStatus | null;
  /** Whether the update is kept as a history row (status, error, status check, unknown kinds; not billing). */
  keepRow: boolean;
  /** The update was not applied as it came: Lightd's own API should be asked what holds. */
  confirm: boolean;
  /** Entries for the container's event log; each is mirrored to its daemon's log. */
  entries: NewLogEntry[];
}

/** How a plan decides: out-of-order arrivals within `settleMs` of a change do not undo it. */
export interface PlanRules {
  settleMs: number;
}

/**
 * What one update from Lightd does to a container (docs/protocols/lightd-remote.md §3, §5):
 *
 * - an error update marks it failed and keeps the error, always (an event each time);
 * - a status update moves its status (an event only when it changes: Lightd reports
 *   `installing` twice per install), except that `ready` is sticky — Lightd's post-start check
 *   sends `installing` ~2 s after every successful start, and nothing follows it — and that an
 *   `installing` arriving within `settleMs` of a failure is taken as fired before it (two
 *   updates fired milliseconds apart may arrive in either order). Either is kept in the history
 *   as it came, and Lightd's own API is asked (`confirm`): a reinstall shows there as
 *   `installing`;
 * - a status check (Lightd's API answering that) sets what it says, unless the status changed
 *   since the doubt arose;
 * - billing keeps its gauge as the container's latest and no history row; other kinds change
 *   nothing but when it was last seen.
 */
export function planContainerUpdate(input: { internalId: string; previous: ContainerStatusState; event: ContainerEvent; at: Date; rules: PlanRules }): ContainerUpdatePlan {
  const { internalId, previous, event, at } = input;
  const plan: ContainerUpdatePlan = { changes: {}, reportedStatus: null, keepRow: true, confirm: false, entries: [] };
  switch (event.kind) {
    case 'billing':
      return { ...plan, keepRow: false, usage: usageOf(event.body, at) };
    case 'other':
      return plan;
    case 'status_check':
      return planStatusCheck(internalId, previous, event.body, at, plan);
  }
  const { status, error, data } = event.body;
  plan.reportedStatus = status ?? null;
  if (error !== undefined) return planError(internalId, previous.status, { error, data, status }, at, plan);
  if (status === undefined || status === previous.status) return plan;
  if (isDoubtful(previous, status, at, input.rules)) return { ...plan, confirm: true };
  return moveStatus(internalId, previous.status, status, at, plan);
}

/** An `installing` that would demote a ready container, or undo a failure just reported. */
function isDoubtful(previous: ContainerStatusState, status: ContainerStatus, at: Date, rules: PlanRules): boolean {
  if (status !== 'installing') return false;
  if (previous.status === 'ready') return true;
  return previous.status === 'failed' && previous.statusChangedAt !== null && at.getTime() - previous.statusChangedAt.getTime() < rules.settleMs;
}

function planStatusCheck(internalId: string, previous: ContainerStatusState, check: LightdStatusCheck, at: Date, plan: ContainerUpdatePlan): ContainerUpdatePlan {
  const said = (LIGHTD_CONTAINER_STATUSES as readonly string[]).includes(check.install_state) ? (check.install_state as ContainerStatus) : null;
  plan.reportedStatus = said;
  const stale = previous.statusChangedAt !== null && previous.statusChangedAt.getTime() > Date.parse(check.asked_at);
  if (said === null || said === previous.status || stale) return plan;
  return moveStatus(internalId, previous.status, said, at, plan, ' (confirmed by the daemon\'s API)');
}

function planError(
  internalId: string,
  previousStatus: ContainerStatus | null,
  update: { error: string; data?: string; status?: ContainerStatus },
  at: Date,
  plan: ContainerUpdatePlan,
): ContainerUpdatePlan {
  const next = update.status ?? 'failed';
  if (next !== previousStatus) Object.assign(plan.changes, { status: next, statusChangedAt: at });
  Object.assign(plan.changes, { lastError: update.error, lastErrorData: update.data ?? null, lastErrorAt: at });
  const was = previousStatus && plan.changes.status ? ` (was ${previousStatus})` : '';
  plan.entries.push({
    level: 'ERROR',
    kind: 'container.error',
    message: clip(`Container ${internalId}: ${update.error}${update.data ? ` — ${update.data}` : ''}${was}`),
    data: { internalId, status: next, previousStatus, error: update.error, ...(update.data !== undefined ? { data: update.data } : {}) },
    at,
  });
  return plan;
}

function moveStatus(internalId: string, previousStatus: ContainerStatus | null, status: ContainerStatus, at: Date, plan: ContainerUpdatePlan, why = ''): ContainerUpdatePlan {
  Object.assign(plan.changes, { status, statusChangedAt: at });
  plan.entries.push({
    level: status === 'failed' ? 'ERROR' : 'INFO',
    kind: 'container.status',
    message: `Container ${internalId}: ${status}${previousStatus ? ` (was ${previousStatus})` : ''}${why}`,
    data: { internalId, status, previousStatus },
    at,
  });
  return plan;
}

function usageOf(body: Extract<LightdRemoteEvent, { kind: 'billing' }>['body'], receivedAt: Date): UsageGauge {
  return {
    memoryGb: body.memory_gb,
    cpuVcpus: body.cpu_vcpus,
    storageGb: body.storage_gb,
    egressGb: body.egress_gb,
    cost: body.estimated_cost,
    at: new Date(body.timestamp * 1000),
    receivedAt,
  };
}

function clip(message: string): string {
  return message.length <= MAX_MESSAGE_LENGTH ? message : `${cutText(message, MAX_MESSAGE_LENGTH - 1)}…`;
}
