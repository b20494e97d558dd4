import type { RawData, WebSocket } from 'ws';
import { jsonNestsDeeperThan } from '../http/json-depth';
import { cutIfNotReading } from './socket-limits';

/**
 * Sends one JSON message if the socket is still open; returns whether it was sent. A socket
 * that has stopped reading (more unsent data than its limit, `socket-limits.ts`) is cut instead.
 */
export function sendJson(socket: WebSocket, message: unknown): boolean {
  if (socket.readyState !== socket.OPEN || cutIfNotReading(socket)) return false;
  socket.send(JSON.stringify(message));
  return true;
}

/** Parses a text frame as JSON; `undefined` for binary frames, malformed JSON and JSON nested too deeply. */
export function parseJsonFrame(data: RawData, isBinary: boolean): unknown {
  if (isBinary) return undefined;
  const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString();
  if (jsonNestsDeeperThan(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sends `{"type":"error","message":…}` and closes with `code` (the seed's error form). */
export function closeWithError(socket: WebSocket, code: number, message: string): void {
  sendJson(socket, { type: 'error', message });
  if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, message.slice(0, 120));
}
