import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { cutIfNotReading, limitSocket, markAuthenticated } from './socket-limits';

/** What `limitSocket` uses of a `ws` socket: its frame events, `bufferedAmount` and `terminate`. */
class SocketDouble extends EventEmitter {
  bufferedAmount = 0;
  terminated = 0;
  terminate(): void {
    this.terminated++;
  }
}

const settings = { wsFramesPerSecond: 1, wsFrameBurst: 5, wsUnauthenticatedFrames: 3, wsMaxBufferedBytes: 1000 };

function limited(): SocketDouble {
  const socket = new SocketDouble();
  limitSocket(socket as unknown as WebSocket, settings);
  return socket;
}

describe('socket limits', () => {
  it('cuts an unauthenticated socket past its allowance, whatever the frames (pings included)', () => {
    const socket = limited();
    socket.emit('ping');
    socket.emit('pong');
    socket.emit('message');
    expect(socket.terminated).toBe(0);
    socket.emit('ping');
    expect(socket.terminated).toBe(1);
  });

  it('counts every frame of an authenticated socket against the rate cap', () => {
    const socket = limited();
    markAuthenticated(socket as unknown as WebSocket);
    for (let i = 0; i < 5; i++) socket.emit(i % 2 ? 'pong' : 'ping');
    expect(socket.terminated).toBe(0);
    socket.emit('pong');
    expect(socket.terminated).toBe(1);
  });

  it('cuts a socket that does not read, when it sends a frame or is sent a message', () => {
    const socket = limited();
    socket.bufferedAmount = 1001;
    expect(cutIfNotReading(socket as unknown as WebSocket)).toBe(true);
    socket.emit('ping');
    expect(socket.terminated).toBe(2);
    socket.bufferedAmount = 10;
    expect(cutIfNotReading(socket as unknown as WebSocket)).toBe(false);
  });

  it('leaves sockets it does not limit alone', () => {
    expect(cutIfNotReading(Object.assign(new SocketDouble(), { bufferedAmount: 1e9 }) as unknown as WebSocket)).toBe(false);
  });
});
