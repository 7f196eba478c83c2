import { tableCrc32 } from './table-crc32.js';

/** From this many bytes on, the native `zlib.crc32` is faster than the table (measured on Node 20, x86-64). */
const nativeFromBytes = 192;

/**
 * CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320) of `data[start..end)`, as `crc32(bytes, previous)` so it can run
 * over several pieces. Small inputs go through the slicing-by-8 table (no call into native code, no view made);
 * larger ones through the platform's native `zlib.crc32` where there is one (Node ≥ 20.15, found through
 * `process.getBuiltinModule` so this file stays importable in a browser).
 */
export const crc32: (data: Uint8Array, previous?: number, start?: number, end?: number) => number =
  pickCrc32();

function pickCrc32(): (data: Uint8Array, previous?: number, start?: number, end?: number) => number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const zlib = proc?.getBuiltinModule?.('node:zlib') as
    | { crc32?: (data: Uint8Array, value?: number) => number }
    | undefined;
  const native = zlib?.crc32;
  if (typeof native !== 'function') return tableCrc32;
  return (data, previous = 0, start = 0, end = data.length) =>
    end - start < nativeFromBytes
      ? tableCrc32(data, previous, start, end)
      : native(start === 0 && end === data.length ? data : data.subarray(start, end), previous);
}
