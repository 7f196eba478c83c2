import { ErrorCode, RouterError } from '../errors.js';
import { ints } from './ints.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads bincode 1.x (`DefaultOptions` with fixed-width integers, little endian — what the reference client's
 * `bincode::serialize` writes) from a byte array. Every read is bounds-checked before anything is allocated: a
 * length past the end is `ERR_WIRE_TRUNCATED`, never a huge allocation; invalid UTF-8 and unknown variants are
 * `ERR_WIRE_BINCODE`. `what` names the field in every error message.
 */
export class BincodeReader {
  private readonly bytes: Uint8Array;
  private offset = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const value = this.bytes[this.offset]! | (this.bytes[this.offset + 1]! << 8);
    this.offset += 2;
    return value;
  }

  u32(what: string): number {
    this.need(4, what);
    const value = ints.readU32(this.bytes, this.offset);
    this.offset += 4;
    return value;
  }

  /** A u64: a number below 2^53, else a bigint (lossless). */
  u64(what: string): number | bigint {
    this.need(8, what);
    const value = ints.readU64(this.bytes, this.offset);
    this.offset += 8;
    return value;
  }

  /** A length prefix (u64) for elements of at least `minElementBytes` each, checked against what is left. */
  length(what: string, minElementBytes: number): number {
    const n = this.u64(`${what} length`);
    if (typeof n === 'bigint' || n * minElementBytes > this.remaining) {
      throw new RouterError(
        ErrorCode.WireTruncated,
        `${what}: length ${String(n)} runs past the end (${this.remaining} bytes left)`,
      );
    }
    return n;
  }

  /** A String: u64 byte length, then UTF-8. */
  string(what: string): string {
    const n = this.length(what, 1);
    const view = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    try {
      return utf8.decode(view);
    } catch (err) {
      throw new RouterError(ErrorCode.WireBincode, `${what} is not valid UTF-8`, { cause: err });
    }
  }

  /** An enum's variant index (u32), checked against the variant names. */
  variant<T extends string>(what: string, names: readonly T[]): T {
    const index = this.u32(`${what} variant`);
    const name = names[index];
    if (name === undefined)
      throw new RouterError(
        ErrorCode.WireBincode,
        `${what}: unknown variant ${index} (known: 0..${names.length - 1})`,
      );
    return name;
  }

  /** Throws unless every byte was read (a well-formed payload has no trailing bytes). */
  end(what: string): void {
    if (this.remaining !== 0)
      throw new RouterError(ErrorCode.WireTrailingBytes, `${what}: ${this.remaining} trailing bytes`);
  }

  private need(n: number, what: string): void {
    if (this.remaining < n)
      throw new RouterError(ErrorCode.WireTruncated, `${what}: needs ${n} bytes, ${this.remaining} left`);
  }
}
