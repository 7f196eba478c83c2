import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lib/errors.js';
import { lz4Compress } from '../../../lib/wire/lz4-compress.js';
import { lz4Decompress } from '../../../lib/wire/lz4-decompress.js';

describe('lz4Decompress', () => {
  it('decodes a hand-built block from the LZ4 block format spec: literals, an overlapping match, tail literals', () => {
    // token 0x34: 3 literals "abc", match length 4+4=8 at offset 3 -> "abcabcab"; then token 0x50: 5 literals.
    const block = Uint8Array.from([0x34, 0x61, 0x62, 0x63, 0x03, 0x00, 0x50, 0x76, 0x77, 0x78, 0x79, 0x7a]);
    expect(new TextDecoder().decode(lz4Decompress(block, 16))).toBe('abcabcabcabvwxyz');
  });

  it('decodes what the compressor produces', () => {
    const src = new TextEncoder().encode('qdb-router '.repeat(500));
    const block = lz4Compress(src)!;
    expect(block.length).toBeLessThan(src.length / 10);
    expect(lz4Decompress(block, src.length)).toEqual(src);
  });

  it.each([
    ['an offset of zero', [0x14, 0x61, 0x00, 0x00], 8],
    ['an offset before the start', [0x14, 0x61, 0x05, 0x00], 8],
    ['literals past the input', [0x50, 0x61], 5],
    ['more output than declared', [0x50, 0x61, 0x62, 0x63, 0x64, 0x65], 3],
    ['less output than declared', [0x20, 0x61, 0x62], 3],
    ['a length run past the input', [0xf0, 0xff], 300],
  ])('rejects %s with ERR_WIRE_COMPRESSION', (_name, bytes, size) => {
    expect(() => lz4Decompress(Uint8Array.from(bytes), size)).toThrowError(
      expect.objectContaining({ code: ErrorCode.WireCompression }),
    );
  });
});
