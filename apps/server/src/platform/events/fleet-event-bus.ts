import { Injectable, Logger } from '@nestjs/common';
import type { AlertData, LiveMetricsData, LogEntryData } from '@pharos/protocol';

/**
 * What flows from ingest to live subscribers. Each event is addressed to one subject id (a
 * server, a Lightd daemon or container, a command, a user): subscribers listen to one id.
 */
export interface FleetEventMap {
  /** A new entry in a subject's event log (→ the logs WebSocket of that id). */
  log: LogEntryData;
  /** A metrics sample of a server (→ the metrics WebSocket of that server). */
  metrics: LiveMetricsData;
  /** An alert for a server fired or resolved. */
  alert: AlertData;
  /** An admin changed a user's access (subject: the user's id): their open sockets end. */
  access: UserAccessChange;

  // What caches must forget. Published once, after the change committed, by whoever made it;
  // every cache of the subject subscribes (`subscribeAll`) instead of being told one by one.

  /** A server was deleted (subject: its id), with its agent keys or node secret. */
  'server.deleted': SubjectOnly;
  /** A node's secret was rotated or revoked (subject: its server id). */
  'node.secret-changed': SubjectOnly;
  /** An agent API key was revoked (subject: the key's id): its agent's connection ends. */
  'agent-key.revoked': SubjectOnly;
  /** A Lightd daemon was deleted (subject: its id), with its containers. */
  'daemon.deleted': SubjectOnly;
  /** A Lightd daemon's remote token was rotated or revoked (subject: the daemon's id). */
  'daemon.token-changed': SubjectOnly;
  /** The offline sweep marked a silent Lightd daemon offline (subject: its id). */
  'daemon.offline': SubjectOnly;
  /**
   * Updates of a Lightd daemon were stored by instance `instance` (cluster mode only): the other
   * instances' Lightd writers forget what they remembered of its containers.
   */
  'daemon.written': { instance: string };
  /** An alert rule was created, changed or deleted (subject: its id): every evaluator reloads. */
  'alert.rule-changed': SubjectOnly;

  // Instance to instance (cluster mode): whoever holds the subject acts.

  /** A command was queued for a server whose agent is not connected to the instance that queued it. */
  'command.queued': SubjectOnly;

  // What alerting watches besides samples; published after the change committed.

  /** A server went online or offline (subject: its id); other instances' presence caches forget it. */
  'server.presence': PresenceChange;
  /** A built-in alert condition of a server as its source last saw it (subject: the server's id). */
  condition: ConditionReport;
}

export interface PresenceChange {
  status: 'online' | 'offline';
  /** The event kind that says why, e.g. `server.offline`, `node.offline`, `daemon.offline`. */
  kind: string;
  message: string;
}

/** The built-in conditions a source reports (see fleet/alerts/alert-kinds.ts). */
export type ConditionKind = 'container_failed' | 'raid_degraded' | 'smart_failed' | 'command_failed';

export interface ConditionReport {
  kind: ConditionKind;
  /** What is failing: a RAID array, a disk, a container, a command; one incident per subject. */
  subject: string;
  failing: boolean;
  /** Said in the notification, e.g. the Lightd error or the array's state. */
  detail: string;
  /** A figure for the incident (failed members, exit code, NVMe warning bits); 0 when none. */
  value?: number;
}

/** A lifecycle event: the subject id says it all. */
export type SubjectOnly = Record<string, never>;

/**
 * Why a user's access changed: their sessions were ended, or their role is another now; or some
 * of their sessions were ended one by one (`session`: only the sockets of `sessionIds` close).
 */
export interface UserAccessChange {
  reason: 'disabled' | 'password' | 'role' | 'session';
  /** With `session`: the ended sessions (refresh-token families). */
  sessionIds?: string[];
}

export type FleetEventType = keyof FleetEventMap;
export type FleetEventHandler<T extends FleetEventType> = (payload: FleetEventMap[T], subjectId: string) => void;

/**
 * Which events a catch-all subscriber gets: those of every instance of the cluster (the default;
 * e.g. cache invalidation), or only those published by its own instance (e.g. alert evaluation,
 * done once, by the instance that holds the agent). Without cluster mode both are the same.
 */
export type SubscriptionScope = 'cluster' | 'instance';

/**
 * The one internal event bus: ingest publishes after storing, sockets and alerting subscribe.
 * The in-process implementation serves a single Pharos; in cluster mode the Redis one
 * (`platform/cluster/redis-fleet-event-bus.ts`) carries events to every instance behind the same
 * methods, so publishers and gateways do not know which runs.
 */
export abstract class FleetEventBus {
  abstract publish<T extends FleetEventType>(type: T, subjectId: string, payload: FleetEventMap[T]): void;
  /** Returns the function that ends the subscription. */
  abstract subscribe<T extends FleetEventType>(type: T, subjectId: string, handler: FleetEventHandler<T>): () => void;
  /** Every event of a type, whatever its subject (e.g. alert evaluation). */
  abstract subscribeAll<T extends FleetEventType>(type: T, handler: FleetEventHandler<T>, scope?: SubscriptionScope): () => void;
}

@Injectable()
export class InProcessFleetEventBus extends FleetEventBus {
  private readonly logger = new Logger('FleetEventBus');
  private readonly handlers = new Map<string, Set<FleetEventHandler<any>>>();

  publish<T extends FleetEventType>(type: T, subjectId: string, payload: FleetEventMap[T]): void {
    this.deliver(`${type}:${subjectId}`, payload, subjectId);
    this.deliver(`${type}:*`, payload, subjectId);
    this.deliver(`${type}:*here`, payload, subjectId);
  }

  /** An event another instance published: to its subject's and the cluster-wide subscribers. */
  deliverFromElsewhere(type: FleetEventType, subjectId: string, payload: unknown): void {
    this.deliver(`${type}:${subjectId}`, payload, subjectId);
    this.deliver(`${type}:*`, payload, subjectId);
  }

  subscribe<T extends FleetEventType>(type: T, subjectId: string, handler: FleetEventHandler<T>): () => void {
    return this.add(`${type}:${subjectId}`, handler);
  }

  subscribeAll<T extends FleetEventType>(type: T, handler: FleetEventHandler<T>, scope: SubscriptionScope = 'cluster'): () => void {
    return this.add(scope === 'cluster' ? `${type}:*` : `${type}:*here`, handler);
  }

  /** How many handlers listen to a key (for tests and metrics). */
  listenerCount(type: FleetEventType, subjectId: string): number {
    return this.handlers.get(`${type}:${subjectId}`)?.size ?? 0;
  }

  private add(key: string, handler: FleetEventHandler<any>): () => void {
    let set = this.handlers.get(key);
    if (!set) this.handlers.set(key, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(key) === set) this.handlers.delete(key);
    };
  }

  private deliver(key: string, payload: unknown, subjectId: string): void {
    const set = this.handlers.get(key);
    if (!set) return;
    for (const handler of set) {
      try {
        handler(payload, subjectId);
      } catch (error) {
        // One broken subscriber must not stop the others, nor the publisher.
        this.logger.error({ err: error, key }, 'event handler failed');
      }
    }
  }
}
