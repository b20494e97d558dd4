/**
 * The byte and bit streams a metric block is written with (`block-codec.ts`): unsigned and
 * zigzag varints over JS numbers (exact up to 2^53, no BigInt), length-prefixed bytes, and a
 * bit stream for Gorilla's XOR encoding of float64 values, which works on the two 32-bit halves.
 */

/** A growing byte buffer. */
export class ByteWriter {
  private buffer = Buffer.allocUnsafe(256);
  private length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** A non-negative integer up to 2^53, seven bits a byte, low bits first. */
  varint(value: number): void {
    this.reserve(8);
    while (value >= 0x80) {
      this.buffer[this.length++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buffer[this.length++] = value;
  }

  /** A signed integer of magnitude below 2^52: 0, -1, 1, -2 … as 0, 1, 2, 3 … */
  zigzag(value: number): void {
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** Bytes with their length before them. */
  chunk(data: Uint8Array): void {
    this.varint(data.length);
    this.bytes(data);
  }

  /** A UTF-8 text with its byte length before it. */
  text(value: string): void {
    this.chunk(Buffer.from(value, 'utf8'));
  }

  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}

/** Reads what a `ByteWriter` wrote; running past the end is a corrupt block. */
export class ByteReader {
  offset = 0;

  constructor(private readonly data: Uint8Array) {}

  byte(): number {
    if (this.offset >= this.data.length) throw new Error('metric block truncated');
    return this.data[this.offset++]!;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new Error('metric block: varint too long');
    }
  }

  zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  bytes(length: number): Uint8Array {
    if (this.offset + length > this.data.length) throw new Error('metric block truncated');
    const slice = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  chunk(): Uint8Array {
    return this.bytes(this.varint());
  }

  text(): string {
    const bytes = this.chunk();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  }

  skipChunk(): void {
    const length = this.varint();
    this.offset += length;
    if (this.offset > this.data.length) throw new Error('metric block truncated');
  }

  get done(): boolean {
    return this.offset >= this.data.length;
  }
}

/** Bits, most significant first, into bytes. */
export class BitWriter {
  private out = new Uint8Array(64);
  private length = 0;
  /** Bits not yet written out, in the low `used` bits. */
  private current = 0;
  private used = 0;

  /** The low `count` bits of `value` (count ≤ 32). */
  bits(value: number, count: number): void {
    if (count > 24) {
      this.bits(value >>> 16, count - 16);
      this.bits(value & 0xffff, 16);
      return;
    }
    this.current = ((this.current << count) | (value & (2 ** count - 1))) >>> 0;
    this.used += count;
    while (this.used >= 8) {
      this.used -= 8;
      if (this.length === this.out.length) {
        const grown = new Uint8Array(this.out.length * 2);
        grown.set(this.out);
        this.out = grown;
      }
      this.out[this.length++] = (this.current >>> this.used) & 0xff;
    }
    this.current &= (1 << this.used) - 1;
  }

  bit(on: boolean): void {
    this.bits(on ? 1 : 0, 1);
  }

  toBytes(): Uint8Array {
    const bytes = new Uint8Array(this.length + (this.used > 0 ? 1 : 0));
    bytes.set(this.out.subarray(0, this.length));
    if (this.used > 0) bytes[this.length] = (this.current << (8 - this.used)) & 0xff;
    return bytes;
  }
}

export class BitReader {
  private byteAt = 0;
  private bitAt = 0;

  constructor(private readonly data: Uint8Array) {}

  /** `count` bits (≤ 32) as an unsigned number. */
  bits(count: number): number {
    let value = 0;
    while (count > 0) {
      if (this.byteAt >= this.data.length) throw new Error('metric block truncated');
      const available = 8 - this.bitAt;
      const take = Math.min(count, available);
      const part = (this.data[this.byteAt]! >>> (available - take)) & ((1 << take) - 1);
      value = value * (1 << take) + part;
      this.bitAt += take;
      count -= take;
      if (this.bitAt === 8) {
        this.byteAt++;
        this.bitAt = 0;
      }
    }
    return value;
  }

  bit(): boolean {
    return this.bits(1) === 1;
  }
}

const float = new Float64Array(1);
const halves = new Uint32Array(float.buffer);
/** Which half of `halves` is the high one on this machine. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

function trailingZeros(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * Gorilla's XOR encoding (Pelkonen et al., VLDB 2015) of float64 values, bit for bit (NaN
 * payloads, -0 and ±Infinity included): per value a 0 bit when it repeats the one before (the
 * first: when it is +0), else its XOR with it — `10` + its meaningful bits inside the previous
 * window, or `11` + 5 bits of leading zeros + 6 bits of length − 1 + the bits.
 */
export function writeXorFloats(values: readonly number[]): Uint8Array {
  const out = new BitWriter();
  let prevHi = 0;
  let prevLo = 0;
  let windowLead = -1;
  let windowTrail = 0;
  for (const value of values) {
    float[0] = value;
    const hi = halves[HI]!;
    const lo = halves[LO]!;
    const xh = (hi ^ prevHi) >>> 0;
    const xl = (lo ^ prevLo) >>> 0;
    if (xh === 0 && xl === 0) {
      out.bit(false);
    } else {
      out.bit(true);
      const lead = Math.min(31, xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl));
      const trail = xl !== 0 ? trailingZeros(xl) : 32 + trailingZeros(xh);
      if (windowLead >= 0 && lead >= windowLead && trail >= windowTrail) {
        out.bit(false);
        writeShifted(out, xh, xl, windowTrail, 64 - windowLead - windowTrail);
      } else {
        out.bit(true);
        const length = 64 - lead - trail;
        out.bits(lead, 5);
        out.bits(length - 1, 6);
        writeShifted(out, xh, xl, trail, length);
        windowLead = lead;
        windowTrail = trail;
      }
    }
    prevHi = hi;
    prevLo = lo;
  }
  return out.toBytes();
}

/** `count` values written by `writeXorFloats`. */
export function readXorFloats(data: Uint8Array, count: number): number[] {
  const input = new BitReader(data);
  const values: number[] = new Array<number>(count);
  let hi = 0;
  let lo = 0;
  let windowLead = 0;
  let windowTrail = 0;
  for (let i = 0; i < count; i++) {
    if (input.bit()) {
      if (input.bit()) {
        windowLead = input.bits(5);
        windowTrail = 64 - windowLead - (input.bits(6) + 1);
      }
      const [xh, xl] = readShifted(input, windowTrail, 64 - windowLead - windowTrail);
      hi = (hi ^ xh) >>> 0;
      lo = (lo ^ xl) >>> 0;
    }
    halves[HI] = hi;
    halves[LO] = lo;
    values[i] = float[0]!;
  }
  return values;
}

/** Bits [shift, shift + length) of the 64-bit value hi:lo. */
function writeShifted(out: BitWriter, hi: number, lo: number, shift: number, length: number): void {
  let h: number;
  let l: number;
  if (shift === 0) [h, l] = [hi, lo];
  else if (shift < 32) [h, l] = [hi >>> shift, ((lo >>> shift) | (hi << (32 - shift))) >>> 0];
  else [h, l] = [0, hi >>> (shift - 32)];
  if (length > 32) {
    out.bits(h, length - 32);
    out.bits(l, 32);
  } else {
    out.bits(l, length);
  }
}

function readShifted(input: BitReader, shift: number, length: number): [number, number] {
  let h = 0;
  let l: number;
  if (length > 32) {
    h = input.bits(length - 32);
    l = input.bits(32);
  } else {
    l = input.bits(length);
  }
  if (shift === 0) return [h >>> 0, l >>> 0];
  if (shift < 32) return [((h << shift) | (l >>> (32 - shift))) >>> 0, (l << shift) >>> 0];
  return [(l << (shift - 32)) >>> 0, 0];
}
