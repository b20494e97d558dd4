import { FRONTEND_LOGS_WS_PATH, FRONTEND_METRICS_WS_PATH } from '@pharos/protocol';
import type WebSocket from 'ws';
import { TestSocket } from './test-socket';

/**
 * Opens a browser's live socket (metrics or logs of `subjectId`), authenticates, and returns
 * once it is live: the seed has no "subscribed" message, so this pings until Pharos answers,
 * which it does only once the subscription is in place. Every other message stays queued in
 * order; the pongs are skipped by `next()`.
 */
export async function openLiveSocket(
  baseWsUrl: string,
  kind: 'metrics' | 'logs',
  subjectId: string,
  token: string,
  options?: WebSocket.ClientOptions,
): Promise<TestSocket> {
  const path = (kind === 'metrics' ? FRONTEND_METRICS_WS_PATH : FRONTEND_LOGS_WS_PATH).replace(':serverId', subjectId);
  const socket = await TestSocket.open(`${baseWsUrl}${path}`, options);
  const next = socket.next.bind(socket);
  socket.next = async <T = any>(timeoutMs?: number): Promise<T> => {
    for (;;) {
      const message = await next<any>(timeoutMs);
      if (message?.type !== 'pong') return message as T;
    }
  };
  const live = new Promise<void>((resolve, reject) => {
    const onMessage = (data: Buffer) => {
      const message = JSON.parse(data.toString());
      if (message.type !== 'pong' && message.type !== 'error') return;
      socket.ws.off('message', onMessage);
      if (message.type === 'pong') resolve();
      else reject(new Error(`live socket refused: ${message.message}`));
    };
    socket.ws.on('message', onMessage);
  });
  socket.send({ type: 'auth', token });
  const pinger = setInterval(() => socket.ws.readyState === socket.ws.OPEN && socket.send({ type: 'ping' }), 25);
  try {
    await live;
  } finally {
    clearInterval(pinger);
  }
  return socket;
}
