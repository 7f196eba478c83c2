import lz4 from 'lz4js';

const hashTable = new Uint32Array(1 << 16);

/**
 * Compresses `src` into one LZ4 block (lz4js, plain JavaScript, browser-safe), or returns `undefined` when the
 * block would not be smaller than the input.
 */
export function lz4Compress(src: Uint8Array): Uint8Array | undefined {
  hashTable.fill(0);
  const dst = new Uint8Array(lz4.compressBound(src.length));
  const size = lz4.compressBlock(src, dst, 0, src.length, hashTable);
  if (size === 0 || size >= src.length) return undefined;
  return dst.subarray(0, size);
}
