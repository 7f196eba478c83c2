import { describe, expect, it } from 'vitest';
import { applyFault } from '../../../lib/testing/apply-fault.js';
import type { FaultKind } from '../../../lib/testing/fault.js';
import { validateFault } from '../../../lib/testing/validate-fault.js';
import { encodeFrame } from '../../../lib/wire/encode.js';
import { FrameDecoder } from '../../../lib/wire/frame-decoder.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';

const reply: Message = {
  sender: 2,
  recipient: 0,
  sequence: 41,
  timestamp: 1764000000000,
  type: MessageType.Data,
  payload: new TextEncoder().encode('hello'),
};
const correct = encodeFrame(reply);
const apply = (kind: FaultKind, extra = {}) =>
  applyFault(validateFault({ kind, ...extra }), reply, () => 0.5);
const decode = (chunks: readonly Uint8Array[]) => {
  const d = new FrameDecoder();
  try {
    return chunks.flatMap((c) => d.push(c));
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('applyFault', () => {
  it('gray swallows the reply', () => {
    expect(apply('gray').chunks).toEqual([]);
  });

  it('wrong-type, bad-error-json and wrong-sequence are well-formed frames that answer wrongly', () => {
    expect(decode(apply('wrong-type').chunks)).toMatchObject([{ type: MessageType.Pong, sequence: 41 }]);
    const [err] = decode(apply('bad-error-json').chunks) as Message[];
    expect(err).toMatchObject({ type: MessageType.Error, sequence: 41 });
    expect(() => JSON.parse(new TextDecoder().decode(err!.payload))).toThrow();
    const [wrong] = decode(apply('wrong-sequence').chunks) as Message[];
    expect(wrong!.sequence).not.toBe(41);
    expect(wrong!.payload).toEqual(reply.payload);
  });

  it.each([
    ['bad-checksum', 'ERR_WIRE_CHECKSUM'],
    ['huge-length', 'ERR_WIRE_FRAME_TOO_LARGE'],
  ] as const)('%s fails to decode with %s', (kind, code) => {
    expect(decode(apply(kind).chunks)).toBe(code);
  });

  it('garbage keeps the length prefix, replaces the rest with random bytes', () => {
    const [frame] = apply('garbage').chunks;
    expect(frame!.subarray(0, 4)).toEqual(correct.subarray(0, 4));
    expect([...frame!.subarray(4)].every((b) => b === 128)).toBe(true);
    expect(decode([frame!])).toMatch(/^ERR_WIRE_/);
  });

  it('duplicate-reply writes the correct frame twice; reset-mid-reply half of it, then a reset', () => {
    expect(apply('duplicate-reply').chunks).toEqual([correct, correct]);
    const reset = apply('reset-mid-reply');
    expect(reset.resetAfter).toBe(true);
    expect(reset.chunks).toEqual([correct.subarray(0, correct.length >> 1)]);
  });

  it('slowloris dribbles the correct frame', () => {
    expect(apply('slowloris', { bytesPerWrite: 3, intervalMs: 7 })).toEqual({
      chunks: [correct],
      dribble: { bytesPerWrite: 3, intervalMs: 7 },
    });
  });

  it('a Pong hit by wrong-type becomes Data', () => {
    const out = applyFault(
      validateFault({ kind: 'wrong-type' }),
      { ...reply, type: MessageType.Pong },
      Math.random,
    );
    expect(decode(out.chunks)).toMatchObject([{ type: MessageType.Data }]);
  });
});
