/**
 * Docker's log stream of a container without a TTY: frames of an 8-byte header — stream
 * (0 stdin, 1 stdout, 2 stderr, 3 the daemon's own error), three zero bytes, the payload size
 * as a big-endian uint32 — then the payload (moby's stdcopy).
 */

const HEADER = 8;

/** The payloads of every frame, in order; a cut-off last frame gives what it has. */
export function demuxLogStream(stream: Buffer): Buffer {
  const payloads: Buffer[] = [];
  let at = 0;
  while (at + HEADER <= stream.length) {
    const size = stream.readUInt32BE(at + 4);
    payloads.push(stream.subarray(at + HEADER, Math.min(at + HEADER + size, stream.length)));
    at += HEADER + size;
  }
  return Buffer.concat(payloads);
}

/** Whether a stream starts with a frame header (text never starts with `\x01\0\0\0`). */
export function isMultiplexed(stream: Buffer): boolean {
  return stream.length >= HEADER && stream[0]! <= 3 && stream[1] === 0 && stream[2] === 0 && stream[3] === 0;
}

