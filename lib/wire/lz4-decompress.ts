import { ErrorCode, RouterError } from '../errors.js';

/**
 * Decompresses one LZ4 block into exactly `rawSize` bytes. Every read and write is bounds-checked, so hostile
 * input can neither read outside `src`, write outside the output, nor loop longer than the output allows: any
 * violation is `ERR_WIRE_COMPRESSION`. (lz4js's decoder checks no bounds, so the decode side is ours.)
 */
export function lz4Decompress(src: Uint8Array, rawSize: number): Uint8Array {
  const dst = new Uint8Array(rawSize);
  let s = 0;
  let d = 0;
  const fail = (what: string): never => {
    throw new RouterError(ErrorCode.WireCompression, `corrupt LZ4 block: ${what} at byte ${s}`);
  };
  while (s < src.length) {
    const token = src[s++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (s >= src.length) fail('literal length past end');
        b = src[s++]!;
        literals += b;
      } while (b === 255);
    }
    if (s + literals > src.length) fail('literals past end of input');
    if (d + literals > rawSize) fail('literals past declared size');
    dst.set(src.subarray(s, s + literals), d);
    s += literals;
    d += literals;
    if (s === src.length) break;
    if (s + 2 > src.length) fail('match offset past end');
    const offset = src[s]! | (src[s + 1]! << 8);
    s += 2;
    if (offset === 0 || offset > d) fail(`match offset ${offset}`);
    let matchLength = token & 15;
    if (matchLength === 15) {
      let b: number;
      do {
        if (s >= src.length) fail('match length past end');
        b = src[s++]!;
        matchLength += b;
      } while (b === 255);
    }
    matchLength += 4;
    if (d + matchLength > rawSize) fail('match past declared size');
    for (let i = d - offset, end = d + matchLength; d < end; ) dst[d++] = dst[i++]!;
  }
  if (d !== rawSize) fail(`decompressed ${d} bytes, declared ${rawSize}`);
  return dst;
}
