import { Logger } from '@nestjs/common';
import { InProcessFleetEventBus } from './fleet-event-bus';

const entry = (message: string) => ({ level: 'INFO' as const, message, timestamp: '2026-01-01T00:00:00.000Z' });

describe('InProcessFleetEventBus', () => {
  it('delivers an event to the subscribers of its subject only, and to catch-all subscribers', () => {
    const bus = new InProcessFleetEventBus();
    const a: string[] = [];
    const b: string[] = [];
    const all: string[] = [];
    bus.subscribe('log', 'a', (e) => a.push(e.message));
    bus.subscribe('log', 'b', (e) => b.push(e.message));
    bus.subscribeAll('log', (e, id) => all.push(`${id}:${e.message}`));
    bus.publish('log', 'a', entry('one'));
    bus.publish('log', 'b', entry('two'));
    expect(a).toEqual(['one']);
    expect(b).toEqual(['two']);
    expect(all).toEqual(['a:one', 'b:two']);
  });

  it('stops delivering after unsubscribe and forgets empty subjects', () => {
    const bus = new InProcessFleetEventBus();
    const seen: string[] = [];
    const off = bus.subscribe('log', 'a', (e) => seen.push(e.message));
    expect(bus.listenerCount('log', 'a')).toBe(1);
    off();
    bus.publish('log', 'a', entry('late'));
    expect(seen).toEqual([]);
    expect(bus.listenerCount('log', 'a')).toBe(0);
  });

  it('keeps delivering to others when one handler throws', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const bus = new InProcessFleetEventBus();
    const seen: string[] = [];
    bus.subscribe('log', 'a', () => {
      throw new Error('broken subscriber');
    });
    bus.subscribe('log', 'a', (e) => seen.push(e.message));
    expect(() => bus.publish('log', 'a', entry('x'))).not.toThrow();
    expect(seen).toEqual(['x']);
  });

  it('gives events of other instances to subject and cluster-wide subscribers, not to instance-scoped ones', () => {
    const bus = new InProcessFleetEventBus();
    const seen: string[] = [];
    bus.subscribe('log', 'a', (e) => seen.push(`subject:${e.message}`));
    bus.subscribeAll('log', (e) => seen.push(`cluster:${e.message}`));
    bus.subscribeAll('log', (e) => seen.push(`instance:${e.message}`), 'instance');
    bus.publish('log', 'a', entry('here'));
    bus.deliverFromElsewhere('log', 'a', entry('there'));
    expect(seen).toEqual(['subject:here', 'cluster:here', 'instance:here', 'subject:there', 'cluster:there']);
  });
});
