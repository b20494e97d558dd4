/**
 * Output kept up to a number of bytes. What goes to Pharos must be text PostgreSQL can store:
 * valid UTF-8 (bad sequences become U+FFFD) without NUL characters (Pharos refuses a message
 * holding one, and the answer would be lost).
 */
export class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly capBytes: number) {}

  /** Keeps the first `capBytes` bytes. */
  add(chunk: Buffer): void {
    const room = this.capBytes - this.kept;
    if (room > 0) {
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.chunks.push(part);
      this.kept += part.length;
    }
    this.dropped += Math.max(0, chunk.length - Math.max(room, 0));
  }

  get droppedBytes(): number {
    return this.dropped;
  }

  text(): string {
    const text = storableText(Buffer.concat(this.chunks));
    return this.dropped > 0 ? `${text}\n[${this.dropped} more bytes of output not sent: the agent's output cap is ${this.capBytes} bytes]` : text;
  }
}

/** UTF-8 text without NUL characters. */
export function storableText(bytes: Buffer): string {
  // eslint-disable-next-line no-control-regex
  return new TextDecoder('utf-8').decode(bytes).replace(/\u0000/g, '\uFFFD');
}

/** The last `capBytes` bytes (for logs, where the newest lines matter). */
export function lastBytes(bytes: Buffer, capBytes: number): { kept: Buffer; dropped: number } {
  if (bytes.length <= capBytes) return { kept: bytes, dropped: 0 };
  return { kept: bytes.subarray(bytes.length - capBytes), dropped: bytes.length - capBytes };
}
