import { AgentCloseCode } from '@pharos/protocol';
import type { WebSocket } from 'ws';
import type { PharosConfig } from '../../../platform/config/pharos-config';
import { AgentSession, AgentSessionRegistry } from './agent-sessions';

/** Just what the registry touches of a `ws` socket. */
function fakeSocket() {
  const socket = {
    OPEN: 1,
    CONNECTING: 0,
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
  };
  return socket;
}

const config = { agentHeartbeatIntervalSeconds: 1, agentHeartbeatTimeoutSeconds: 3 } as PharosConfig;
const SERVER = '2c5b9a56-1f1e-4a53-a0a3-3cfa3c2f1b11';

describe('AgentSessionRegistry', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('replaces a server’s older connection, which then no longer counts as current', () => {
    const registry = new AgentSessionRegistry(config);
    const oldSocket = fakeSocket();
    const older = new AgentSession(SERVER, 'k1', oldSocket as unknown as WebSocket, undefined);
    const newer = new AgentSession(SERVER, 'k1', fakeSocket() as unknown as WebSocket, undefined);
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
    const registry = new AgentSessionRegistry(config);
    registry.onModuleInit();
    const socket = fakeSocket();
    const session = new AgentSession(SERVER, 'k1', socket as unknown as WebSocket, undefined);
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
});
