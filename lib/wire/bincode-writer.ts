import { ErrorCode, RouterError } from '../errors.js';
import { ints } from './ints.js';

const utf8 = new TextEncoder();

/**
 * Writes bincode 1.x (fixed-width little-endian integers, u64 length prefixes, enum variants as u32 indices),
 * byte for byte what the reference client's `bincode::serialize` produces. Values out of a field's range are
 * `ERR_WIRE_INTEGER_RANGE`.
 */
export class BincodeWriter {
  private bytes = new Uint8Array(64);
  private length = 0;

  u16(value: number, what: string): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff)
      throw new RouterError(
        ErrorCode.WireIntegerRange,
        `${what} ${String(value)} is out of range: expected a u16`,
      );
    const at = this.grow(2);
    this.bytes[at] = value & 0xff;
    this.bytes[at + 1] = value >>> 8;
    return this;
  }

  u32(value: number, what: string): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff)
      throw new RouterError(
        ErrorCode.WireIntegerRange,
        `${what} ${String(value)} is out of range: expected a u32`,
      );
    const at = this.grow(4);
    ints.writeU32(this.bytes, at, value);
    return this;
  }

  u64(value: number | bigint, what: string): this {
    const at = this.grow(8);
    ints.writeU64(this.bytes, at, value, what);
    return this;
  }

  string(value: string): this {
    const encoded = utf8.encode(value);
    this.u64(encoded.length, 'string length');
    const at = this.grow(encoded.length);
    this.bytes.set(encoded, at);
    return this;
  }

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  /** Reserves `n` bytes and returns their offset; may replace `this.bytes`, so call it before reading that. */
  private grow(n: number): number {
    const at = this.length;
    if (at + n > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, at + n));
      next.set(this.bytes.subarray(0, at));
      this.bytes = next;
    }
    this.length = at + n;
    return at;
  }
}
