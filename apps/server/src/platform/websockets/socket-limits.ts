import type { WebSocket } from 'ws';
import type { EdgeSettings } from '../config/pharos-config';
import { MessageRateLimit } from './message-rate-limit';

export type SocketLimitSettings = Pick<EdgeSettings, 'wsFramesPerSecond' | 'wsFrameBurst' | 'wsUnauthenticatedFrames' | 'wsMaxBufferedBytes'>;

interface Limits {
  rate: MessageRateLimit;
  /** Frames it may still send before it authenticates; null once it has. */
  unauthenticatedLeft: number | null;
  maxBufferedBytes: number;
}

const limitsOf = new WeakMap<WebSocket, Limits>();

/**
 * The limits every WebSocket has, whatever its kind (agent, browser metrics and logs, console),
 * applied by `PharosWsAdapter` before the gateway sees the socket. Every frame counts —
 * messages, pings and pongs alike: `ws` answers each ping with a pong by itself, so a client
 * that pings without reading would otherwise grow the server's send buffer without bound
 * (issue 17: four such sockets, 293 → 723 MiB in 8 s).
 *
 * - Before it authenticates (`markAuthenticated`), a socket may send `wsUnauthenticatedFrames`
 *   frames of any kind; one more and it is cut.
 * - After, `wsFramesPerSecond` sustained and `wsFrameBurst` at once (gateways may be stricter:
 *   agents have their own message cap, which counts their control frames too).
 * - A socket whose unsent data passes `wsMaxBufferedBytes` — it does not read — is cut, checked
 *   at each frame it sends and at each message sent to it through `sendJson`.
 *
 * Cut means terminated: a client that does not read would never answer a closing handshake.
 */
export function limitSocket(socket: WebSocket, settings: SocketLimitSettings): void {
  const limits: Limits = {
    rate: new MessageRateLimit(settings.wsFramesPerSecond, settings.wsFrameBurst),
    unauthenticatedLeft: settings.wsUnauthenticatedFrames,
    maxBufferedBytes: settings.wsMaxBufferedBytes,
  };
  limitsOf.set(socket, limits);
  const onFrame = () => {
    if (limits.unauthenticatedLeft !== null && --limits.unauthenticatedLeft < 0) return socket.terminate();
    if (!limits.rate.take() || socket.bufferedAmount > limits.maxBufferedBytes) socket.terminate();
  };
  socket.on('message', onFrame);
  socket.on('ping', onFrame);
  socket.on('pong', onFrame);
}

/** The socket authenticated: the rate cap replaces the allowance of unauthenticated frames. */
export function markAuthenticated(socket: WebSocket): void {
  const limits = limitsOf.get(socket);
  if (limits) limits.unauthenticatedLeft = null;
}

/** Whether a socket has more unsent data queued than it may (it is then cut); false for sockets without limits. */
export function cutIfNotReading(socket: WebSocket): boolean {
  const limits = limitsOf.get(socket);
  if (!limits || socket.bufferedAmount <= limits.maxBufferedBytes) return false;
  socket.terminate();
  return true;
}
