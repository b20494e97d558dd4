import type { ContainerStatus } from '@pharos/database';
import type { LightdRemoteEvent } from '@pharos/protocol';
import type { NewLogEntry } from '../../../fleet/event-log/event-log.service';

/** Longest event-log message; the whole text stays in the entry's data and the update history. */
const MAX_MESSAGE_LENGTH = 1000;

export interface ContainerUpdatePlan {
  /** The container's new current state (empty when the update changes nothing but "last seen"). */
  changes: {
    status?: ContainerStatus;
    statusChangedAt?: Date;
    lastError?: string;
    lastErrorData?: string | null;
    lastErrorAt?: Date;
  };
  /** The status the update reported, for the raw history row. */
  reportedStatus: ContainerStatus | null;
  /** Entries for the container's event log; each is mirrored to its daemon's log. */
  entries: NewLogEntry[];
}

/**
 * What one update from Lightd does to a container: a status update moves its status (an event
 * only when the status changes: Lightd reports `installing` twice per install); an error update
 * marks it failed and keeps the error (always an event); billing and other kinds change nothing
 * but when it was last seen.
 */
export function planContainerUpdate(input: {
  internalId: string;
  previousStatus: ContainerStatus | null;
  event: LightdRemoteEvent;
  at: Date;
}): ContainerUpdatePlan {
  const { internalId, previousStatus, event, at } = input;
  if (event.kind !== 'update') return { changes: {}, reportedStatus: null, entries: [] };
  const { status, error, data } = event.body;
  const next: ContainerStatus | undefined = status ?? (error !== undefined ? 'failed' : undefined);
  const changes: ContainerUpdatePlan['changes'] = {};
  if (next !== undefined && next !== previousStatus) {
    changes.status = next;
    changes.statusChangedAt = at;
  }
  const details = { internalId, status: next ?? previousStatus, previousStatus };
  const was = previousStatus && changes.status ? ` (was ${previousStatus})` : '';
  if (error !== undefined) {
    Object.assign(changes, { lastError: error, lastErrorData: data ?? null, lastErrorAt: at });
    return {
      changes,
      reportedStatus: status ?? null,
      entries: [
        {
          level: 'ERROR',
          kind: 'container.error',
          message: clip(`Container ${internalId}: ${error}${data ? ` — ${data}` : ''}${was}`),
          data: { ...details, error, ...(data !== undefined ? { data } : {}) },
          at,
        },
      ],
    };
  }
  if (!changes.status) return { changes, reportedStatus: status ?? null, entries: [] };
  return {
    changes,
    reportedStatus: status ?? null,
    entries: [
      {
        level: changes.status === 'failed' ? 'ERROR' : 'INFO',
        kind: 'container.status',
        message: `Container ${internalId}: ${changes.status}${was}`,
        data: details,
        at,
      },
    ],
  };
}

function clip(message: string): string {
  return message.length <= MAX_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}
