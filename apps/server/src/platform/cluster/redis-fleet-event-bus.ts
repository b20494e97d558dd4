import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  FleetEventBus,
  type FleetEventHandler,
  type FleetEventMap,
  type FleetEventType,
  InProcessFleetEventBus,
  type SubscriptionScope,
} from '../events/fleet-event-bus';
import { RedisConnection } from './redis-connection';

/**
 * The fleet event bus of a clustered instance. Subscribers on this instance get an event at
 * once and synchronously, as in a single process; the event is also serialized once and
 * published on the Redis channel of its type, `<prefix>bus:<type>`, and every other instance
 * with a subscriber of that type delivers it to its own.
 *
 * An instance listens to a type's channel only while something here subscribes to that type
 * cluster-wide (a browser watching a server's metrics, a cache listening for invalidations), so
 * an instance with no browsers receives no metrics. Messages start with the sender's id, so an
 * instance skips its own without parsing them. Redis pub/sub does not keep what was published
 * while an instance was disconnected from it: live views miss those samples and lines (the
 * history has them), and caches that missed an invalidation still expire on their own timers.
 */
@Injectable()
export class RedisFleetEventBus extends FleetEventBus implements OnApplicationShutdown {
  private readonly logger = new Logger('FleetEventBus');
  private readonly local = new InProcessFleetEventBus();
  /** Cluster-wide subscriptions per type here: the channel is listened to while above 0. */
  private readonly listening = new Map<FleetEventType, number>();
  private readonly ownPrefix: string;
  private readonly channelPrefix: string;
  private closed = false;

  constructor(private readonly redis: RedisConnection) {
    super();
    this.ownPrefix = `${redis.instanceId}\n`;
    this.channelPrefix = redis.key('bus', '');
    redis.subscriberClient.on('message', (channel: string, message: string) => this.received(channel, message));
  }

  publish<T extends FleetEventType>(type: T, subjectId: string, payload: FleetEventMap[T]): void {
    this.local.publish(type, subjectId, payload);
    if (this.closed) return;
    const message = this.ownPrefix + JSON.stringify([subjectId, payload]);
    this.redis.client.publish(this.channelPrefix + type, message).catch((error: unknown) => {
      this.logger.warn({ err: error, type }, 'could not publish an event to the other instances');
    });
  }

  subscribe<T extends FleetEventType>(type: T, subjectId: string, handler: FleetEventHandler<T>): () => void {
    return this.listen(type, this.local.subscribe(type, subjectId, handler));
  }

  subscribeAll<T extends FleetEventType>(type: T, handler: FleetEventHandler<T>, scope: SubscriptionScope = 'cluster'): () => void {
    const off = this.local.subscribeAll(type, handler, scope);
    return scope === 'cluster' ? this.listen(type, off) : off;
  }

  onApplicationShutdown(): void {
    this.closed = true;
  }

  /** Counts a cluster-wide subscription of `type`, listening to its channel from the first. */
  private listen(type: FleetEventType, off: () => void): () => void {
    const count = (this.listening.get(type) ?? 0) + 1;
    this.listening.set(type, count);
    if (count === 1) this.command('subscribe', type);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      off();
      const left = (this.listening.get(type) ?? 1) - 1;
      if (left > 0) {
        this.listening.set(type, left);
        return;
      }
      this.listening.delete(type);
      this.command('unsubscribe', type);
    };
  }

  private command(verb: 'subscribe' | 'unsubscribe', type: FleetEventType): void {
    if (this.closed) return;
    // One connection runs them in order, so a quick unsubscribe/subscribe pair ends subscribed.
    this.redis.subscriberClient[verb](this.channelPrefix + type).catch((error: unknown) => {
      this.logger.warn({ err: error, type }, `could not ${verb} the events of other instances`);
    });
  }

  private received(channel: string, message: string): void {
    if (message.startsWith(this.ownPrefix) || !channel.startsWith(this.channelPrefix)) return;
    const type = channel.slice(this.channelPrefix.length) as FleetEventType;
    if (!this.listening.has(type)) return;
    let subjectId: string;
    let payload: unknown;
    try {
      [subjectId, payload] = JSON.parse(message.slice(message.indexOf('\n') + 1)) as [string, unknown];
    } catch (error) {
      this.logger.warn({ err: error, channel }, 'unreadable event from another instance ignored');
      return;
    }
    this.local.deliverFromElsewhere(type, subjectId, payload);
  }
}
