import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { FrameFlags } from '../../../lib/testing/frame-flags.js';
import { encodeFrame } from '../../../lib/wire/encode.js';
import { MessageType } from '../../../lib/wire/message.js';

const frame = (size: number, compress: boolean) =>
  encodeFrame(
    {
      sender: 0,
      recipient: 1,
      sequence: 1,
      timestamp: 0,
      type: MessageType.Data,
      payload: new Uint8Array(size),
    },
    compress ? { compressAboveBytes: 0 } : {},
  );

test.prop([
  fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.boolean()), { maxLength: 20 }),
  fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 10 }),
])('counts the LZ4 frames of a stream cut into any chunks', (frames, cuts) => {
  const bytes = Buffer.concat(frames.map(([size, z]) => frame(size, z)));
  const flags = new FrameFlags();
  let at = 0;
  for (let k = 0; at < bytes.length; k++) {
    const n = cuts[k % cuts.length]!;
    flags.push(bytes.subarray(at, at + n));
    at += n;
  }
  // an all-zero payload always compresses smaller once it is a few bytes long
  const expected = frames.filter(([size, z]) => z && frame(size, true)[4] === 1).length;
  expect(flags.compressed).toBe(expected);
});
