import { ErrorCode, RouterError } from '../errors.js';

const twoTo32 = 0x1_0000_0000;

/**
 * Little-endian 64-bit integer access on plain byte arrays, for JavaScript numbers that are safe integers.
 * Anything outside the safe range is a typed `ERR_WIRE_INTEGER_RANGE` error, never a silently rounded value.
 */
export const ints = {
  writeU64(bytes: Uint8Array, offset: number, value: number, field: string): void {
    if (!Number.isSafeInteger(value) || value < 0) throw rangeError(field, value, 'an unsigned safe integer');
    writeU32(bytes, offset, value % twoTo32);
    writeU32(bytes, offset + 4, Math.floor(value / twoTo32));
  },
  writeI64(bytes: Uint8Array, offset: number, value: number, field: string): void {
    if (!Number.isSafeInteger(value)) throw rangeError(field, value, 'a safe integer');
    const low = ((value % twoTo32) + twoTo32) % twoTo32;
    writeU32(bytes, offset, low);
    writeU32(bytes, offset + 4, (value - low) / twoTo32);
  },
  readU64(bytes: Uint8Array, offset: number, field: string): number {
    const value = readU32(bytes, offset + 4) * twoTo32 + readU32(bytes, offset);
    if (!Number.isSafeInteger(value)) throw rangeError(field, value, 'at most 2^53 - 1');
    return value;
  },
  readI64(bytes: Uint8Array, offset: number, field: string): number {
    const high = readU32(bytes, offset + 4) | 0;
    const value = high * twoTo32 + readU32(bytes, offset);
    if (!Number.isSafeInteger(value)) throw rangeError(field, value, 'a safe integer');
    return value;
  },
  readU32,
  writeU32,
};

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

function rangeError(field: string, value: number, expected: string): RouterError {
  return new RouterError(
    ErrorCode.WireIntegerRange,
    `${field} ${value} is out of range: expected ${expected}`,
  );
}
