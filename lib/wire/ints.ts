import { ErrorCode, RouterError } from '../errors.js';

const twoTo32 = 0x1_0000_0000;
/** High words below this make a u64 that is a safe integer (2^53 = 2^21 · 2^32). */
const safeHigh = 0x20_0000;

/**
 * Little-endian 64-bit integer access on plain byte arrays. Values in the safe integer range are JavaScript
 * numbers (the fast path, no BigInt touched); every other u64 / i64 is a `bigint` — read losslessly and written
 * back to the same bytes. Anything that is not an integer of the field's range (a fraction, NaN, an unsafe
 * number, a bigint outside u64 / i64) is a typed `ERR_WIRE_INTEGER_RANGE` error, never a silently rounded value.
 */
export const ints = {
  writeU64(bytes: Uint8Array, offset: number, value: number | bigint, field: string): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value < 0)
        throw rangeError(field, value, 'an unsigned safe integer');
      writeU32(bytes, offset, value % twoTo32);
      writeU32(bytes, offset + 4, Math.floor(value / twoTo32));
      return;
    }
    if (typeof value !== 'bigint' || value < 0n || value > 0xffff_ffff_ffff_ffffn) {
      throw rangeError(field, value, 'a u64 (number or bigint)');
    }
    writeBig(bytes, offset, value);
  },
  writeI64(bytes: Uint8Array, offset: number, value: number | bigint, field: string): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw rangeError(field, value, 'a safe integer');
      const low = ((value % twoTo32) + twoTo32) % twoTo32;
      writeU32(bytes, offset, low);
      writeU32(bytes, offset + 4, (value - low) / twoTo32);
      return;
    }
    if (typeof value !== 'bigint' || value < -0x8000_0000_0000_0000n || value > 0x7fff_ffff_ffff_ffffn) {
      throw rangeError(field, value, 'an i64 (number or bigint)');
    }
    writeBig(bytes, offset, BigInt.asUintN(64, value));
  },
  /** A u64: a number below 2^53, else a bigint. */
  readU64(bytes: Uint8Array, offset: number): number | bigint {
    const high = readU32(bytes, offset + 4);
    const low = readU32(bytes, offset);
    if (high < safeHigh) return high * twoTo32 + low;
    return (BigInt(high) << 32n) | BigInt(low);
  },
  /** An i64: a number in the safe range, else a bigint. */
  readI64(bytes: Uint8Array, offset: number): number | bigint {
    const high = readU32(bytes, offset + 4) | 0;
    const low = readU32(bytes, offset);
    const value = high * twoTo32 + low;
    if (Number.isSafeInteger(value)) return value;
    return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low));
  },
  readU32,
  writeU32,
};

function writeBig(bytes: Uint8Array, offset: number, value: bigint): void {
  writeU32(bytes, offset, Number(value & 0xffff_ffffn));
  writeU32(bytes, offset + 4, Number(value >> 32n));
}

function readU32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16)) + bytes[offset + 3]! * 0x1000000
  );
}

function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = (value >>> 24) & 0xff;
}

function rangeError(field: string, value: unknown, expected: string): RouterError {
  return new RouterError(
    ErrorCode.WireIntegerRange,
    `${field} ${String(value)} is out of range: expected ${expected}`,
  );
}
