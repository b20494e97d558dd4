import type { RawData, WebSocket } from 'ws';

/** Sends one JSON message if the socket is still open; returns whether it was sent. */
export function sendJson(socket: WebSocket, message: unknown): boolean {
  if (socket.readyState !== socket.OPEN) return false;
  socket.send(JSON.stringify(message));
  return true;
}

/** Parses a text frame as JSON; `undefined` for binary frames and malformed JSON. */
export function parseJsonFrame(data: RawData, isBinary: boolean): unknown {
  if (isBinary) return undefined;
  try {
    return JSON.parse(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString());
  } catch {
    return undefined;
  }
}

/** Sends `{"type":"error","message":…}` and closes with `code` (the seed's error form). */
export function closeWithError(socket: WebSocket, code: number, message: string): void {
  sendJson(socket, { type: 'error', message });
  if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, message.slice(0, 120));
}
