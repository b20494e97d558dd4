import { AgentCloseCode } from '@pharos/protocol';
import type { WebSocket } from 'ws';
import type { PharosConfig } from '../../../platform/config/pharos-config';
import { InProcessFleetEventBus } from '../../../platform/events/fleet-event-bus';
import { AgentSession, AgentSessionRegistry } from './agent-sessions';

/** Just what the registry touches of a `ws` socket. */
function fakeSocket() {
  const socket = {
    OPEN: 1,
    CONNECTING: 0,
    CLOSED: 3,
    readyState: 1,
    sent: [] as unknown[],
    closedWith: undefined as number | undefined,
    pings: 0,
    terminated: false,
    send(data: string) {
      this.sent.push(JSON.parse(data));
    },
    close(code: number) {
      this.closedWith = code;
      this.readyState = 2;
    },
    ping() {
      this.pings++;
    },
    terminate() {
      this.terminated = true;
      this.readyState = 3;
    },
    /** Shutting down waits for 'close' (a real socket's, after the handshake); this one never has it. */
    once() {
      return this;
    },
  };
  return socket;
}

const config = { agentHeartbeatIntervalSeconds: 1, agentHeartbeatTimeoutSeconds: 3 } as PharosConfig;
const SERVER = '2c5b9a56-1f1e-4a53-a0a3-3cfa3c2f1b11';

describe('AgentSessionRegistry', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('replaces a server’s older connection, which then no longer counts as current', () => {
    const registry = new AgentSessionRegistry(config, new InProcessFleetEventBus());
    const oldSocket = fakeSocket();
    const older = new AgentSession(SERVER, 'k1', 'pak_k1', oldSocket as unknown as WebSocket, undefined);
    const newer = new AgentSession(SERVER, 'k1', 'pak_k1', fakeSocket() as unknown as WebSocket, undefined);
    registry.register(older);
    registry.register(newer);

    expect(oldSocket.closedWith).toBe(AgentCloseCode.Replaced);
    expect(older.endReason?.kind).toBe('agent.replaced');
    expect(registry.unregister(older)).toBe(false);
    expect(registry.get(SERVER)).toBe(newer);
    expect(registry.unregister(newer)).toBe(true);
    expect(registry.isConnected(SERVER)).toBe(false);
  });

  it('pings live agents and drops one silent past the timeout', () => {
    const registry = new AgentSessionRegistry(config, new InProcessFleetEventBus());
    registry.onModuleInit();
    const socket = fakeSocket();
    const session = new AgentSession(SERVER, 'k1', 'pak_k1', socket as unknown as WebSocket, undefined);
    registry.register(session);

    jest.advanceTimersByTime(2_000);
    expect(socket.pings).toBe(2);
    session.touch();
    jest.advanceTimersByTime(3_000);
    expect(socket.closedWith).toBeUndefined();
    jest.advanceTimersByTime(1_000);
    expect(socket.closedWith).toBe(AgentCloseCode.HeartbeatTimeout);
    expect(session.endReason?.kind).toBe('agent.heartbeat_timeout');
    jest.advanceTimersByTime(1_000);
    expect(socket.terminated).toBe(true);
    registry.onModuleDestroy();
  });

  it('closes the agent of a revoked key, and forgets the agent of a deleted server', () => {
    const bus = new InProcessFleetEventBus();
    const registry = new AgentSessionRegistry(config, bus);
    registry.onModuleInit();
    const OTHER = '7d1e0c1a-52b3-4c3e-9d65-0c6b3f1f4a22';
    const revokedSocket = fakeSocket();
    const deletedSocket = fakeSocket();
    const revoked = new AgentSession(SERVER, 'k1', 'pak_k1', revokedSocket as unknown as WebSocket, undefined);
    const deleted = new AgentSession(OTHER, 'k2', 'pak_k2', deletedSocket as unknown as WebSocket, undefined);
    registry.register(revoked);
    registry.register(deleted);

    bus.publish('agent-key.revoked', 'k1', {});
    expect(revokedSocket.closedWith).toBe(AgentCloseCode.KeyRevoked);
    expect(revoked.endReason).toEqual({ kind: 'agent.key_revoked', message: 'Agent disconnected: its API key pak_k1… was revoked' });
    expect(deletedSocket.closedWith).toBeUndefined();

    bus.publish('server.deleted', OTHER, {});
    expect(deletedSocket.closedWith).toBe(AgentCloseCode.KeyRevoked);
    expect(deleted.endReason?.kind).toBe('agent.server_deleted');
    // Its close marks no presence: the session is no longer its server's.
    expect(registry.unregister(deleted)).toBe(false);
    expect(registry.unregister(revoked)).toBe(true);
    registry.onModuleDestroy();
  });

  it('closes an agent whose key was revoked while it was being admitted (after its key was checked, before it was registered)', () => {
    const bus = new InProcessFleetEventBus();
    const registry = new AgentSessionRegistry(config, bus);
    registry.onModuleInit();
    const socket = fakeSocket();
    const admitted = new AgentSession(SERVER, 'k9', 'pak_k9', socket as unknown as WebSocket, undefined);
    bus.publish('agent-key.revoked', 'k9', {});
    expect(socket.closedWith).toBeUndefined();

    registry.register(admitted);
    expect(socket.closedWith).toBe(AgentCloseCode.KeyRevoked);
    expect(admitted.endReason?.kind).toBe('agent.key_revoked');
    // Its close marks the server offline as any revoked agent's does.
    expect(registry.unregister(admitted)).toBe(true);
    registry.onModuleDestroy();
  });
});
