import { tableCrc32 } from './table-crc32.js';

/**
 * CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), as `crc32(bytes, previous)` so it can run over several
 * pieces. Uses the platform's native `zlib.crc32` where there is one (Node ≥ 20.15, found through
 * `process.getBuiltinModule` so this file stays importable in a browser), a 256-entry table elsewhere.
 */
export const crc32: (data: Uint8Array, previous?: number) => number = pickCrc32();

function pickCrc32(): (data: Uint8Array, previous?: number) => number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const zlib = proc?.getBuiltinModule?.('node:zlib') as
    | { crc32?: (data: Uint8Array, value?: number) => number }
    | undefined;
  const native = zlib?.crc32;
  // Node's crc32 returns 0 for some empty views (e.g. TextEncoder's ''), so an empty input returns `previous`.
  if (typeof native === 'function')
    return (data, previous = 0) => (data.length === 0 ? previous : native(data, previous));
  return tableCrc32;
}
