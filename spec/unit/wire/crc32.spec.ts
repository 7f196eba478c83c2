import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../lib/wire/crc32.js';
import { tableCrc32 } from '../../../lib/wire/table-crc32.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('crc32', () => {
  it('known answers (IEEE 802.3): "123456789" is 0xcbf43926, empty is 0', () => {
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
    expect(tableCrc32(text('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(text(''))).toBe(0); // TextEncoder's empty view, which native crc32 mishandled
    expect(crc32(new Uint8Array(0), 0x1234)).toBe(0x1234);
  });

  it('native and table agree with node:zlib, whole or in pieces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.nat(), (bytes, cut) => {
        const at = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
        const expected = zlib.crc32(bytes);
        expect(crc32(bytes)).toBe(expected);
        expect(tableCrc32(bytes)).toBe(expected);
        expect(crc32(bytes.subarray(at), crc32(bytes.subarray(0, at)))).toBe(expected);
        expect(tableCrc32(bytes.subarray(at), tableCrc32(bytes.subarray(0, at)))).toBe(expected);
      }),
    );
  });

  it('over a range: the same as over a view of it, either side of the native threshold, any alignment', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 0xffffffff }),
        (bytes, a, b, previous) => {
          const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
          const end = start + (bytes.length - start === 0 ? 0 : b % (bytes.length - start + 1));
          const expected = zlib.crc32(bytes.subarray(start, end), previous);
          expect(crc32(bytes, previous, start, end)).toBe(end === start ? previous : expected);
          expect(tableCrc32(bytes, previous, start, end)).toBe(end === start ? previous : expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
