import zlib from 'node:zlib';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { encodeFrame } from '../../../lib/wire/encode.js';
import { FrameDecoder } from '../../../lib/wire/frame-decoder.js';
import type { Message, MessageType } from '../../../lib/wire/message.js';

const u64 = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const messageArb: fc.Arbitrary<Message> = fc.record({
  sender: u64,
  recipient: u64,
  sequence: u64,
  timestamp: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  type: fc.integer({ min: 0, max: 11 }).map((t) => t as MessageType),
  payload: fc.uint8Array({ maxLength: 300 }),
});

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** Cuts `bytes` at the given (sorted, deduplicated) positions. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  return out;
}

/** Recomputes the checksum of a plain frame with an empty payload, independently of lib (node:zlib). */
function reseal(frame: Buffer): Buffer {
  frame.writeUInt32LE(zlib.crc32(frame.subarray(5, 5 + 33)), frame.length - 4);
  return frame;
}

describe('FrameDecoder', () => {
  test.prop([messageArb, fc.boolean()])(
    'decode(encode(m)) equals m, plain or compressed',
    (message, compress) => {
      const frame = encodeFrame(message, { compressAboveBytes: compress ? 0 : Number.POSITIVE_INFINITY });
      expect(new FrameDecoder().push(frame)).toEqual([message]);
    },
  );

  test.prop([fc.array(messageArb, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 40 })])(
    'any split of a stream of frames decodes to the same messages',
    (messages, cuts) => {
      const stream = concat(messages.map((m) => encodeFrame(m, { compressAboveBytes: 200 })));
      const decoder = new FrameDecoder();
      const out = split(stream, cuts).flatMap((chunk) => decoder.push(chunk));
      expect(out).toEqual(messages);
      expect(decoder.bufferedBytes).toBe(0);
    },
  );

  it("by default accepts a length prefix of 1,048,576 (the reference's limit) and refuses 1,048,577 at the prefix", () => {
    const prefix = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
    const ok = new FrameDecoder();
    expect(ok.push(prefix(1_048_576))).toEqual([]);
    expect(ok.bufferedBytes).toBe(0);
    expect(() => new FrameDecoder().push(prefix(1_048_577))).toThrowError(
      expect.objectContaining({ code: ErrorCode.WireFrameTooLarge }),
    );
  });
  it('decodes a stream fed one byte at a time', () => {
    const messages: Message[] = [0, 1, 2].map((i) => ({
      sender: 0,
      recipient: i + 1,
      sequence: i,
      timestamp: 1,
      type: 2,
      payload: new Uint8Array(i * 10).fill(i),
    }));
    const stream = concat(messages.map((m) => encodeFrame(m)));
    const decoder = new FrameDecoder();
    const out: Message[] = [];
    for (const byte of stream) out.push(...decoder.push(Uint8Array.of(byte)));
    expect(out).toEqual(messages);
  });

  test.prop([messageArb, fc.nat(), fc.integer({ min: 1, max: 255 })])(
    'any single changed byte in the message part is rejected, never a wrong message accepted',
    (message, where, xor) => {
      const frame = encodeFrame(message);
      const index = 5 + (where % (frame.length - 5));
      frame[index]! ^= xor;
      expect(() => new FrameDecoder().push(frame)).toThrowError(RouterError);
    },
  );

  test.prop([
    fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 30 }),
    fc.integer({ min: 49, max: 4096 }),
  ])(
    'random garbage yields only RouterErrors and never buffers past the limit',
    (chunks, maxMessageBytes) => {
      const decoder = new FrameDecoder({ maxMessageBytes });
      for (const chunk of chunks) {
        try {
          decoder.push(chunk);
        } catch (err) {
          expect(err).toBeInstanceOf(RouterError);
          expect((err as RouterError).code).toMatch(/^ERR_WIRE_/);
          return;
        }
        expect(decoder.bufferedBytes).toBeLessThanOrEqual(maxMessageBytes + 1 + 4);
      }
    },
  );

  it('rejects an oversized length prefix at once, before any body byte arrives', () => {
    const decoder = new FrameDecoder({ maxMessageBytes: 1024 });
    expect(() => decoder.push(Uint8Array.of(0, 0, 0x04, 0x02))).toThrowError(
      expect.objectContaining({
        code: ErrorCode.WireFrameTooLarge,
        message: expect.stringContaining('1026'),
      }),
    );
    expect(decoder.bufferedBytes).toBe(0);
    // the decoder stays failed: the stream has lost its framing
    expect(() => decoder.push(Uint8Array.of(1))).toThrowError(
      expect.objectContaining({ code: ErrorCode.WireFrameTooLarge }),
    );
  });

  const ping: Message = {
    sender: 0,
    recipient: 1,
    sequence: 0,
    timestamp: 0,
    type: 0,
    payload: new Uint8Array(),
  };
  const withBytes = (edit: (b: Buffer) => Buffer) => edit(Buffer.from(encodeFrame(ping)));
  const poke = (index: number, value: number) =>
    withBytes((b) => {
      b[index] = value;
      return b;
    });
  it.each([
    ['unknown flag', poke(4, 7), ErrorCode.WireUnknownFlag],
    ['unknown type', poke(5 + 32, 12), ErrorCode.WireUnknownType],
    ['payloadLength past the body', poke(5 + 36, 9), ErrorCode.WireTruncated],
    [
      'trailing bytes after the checksum',
      withBytes((b) => {
        const longer = Buffer.concat([b, Buffer.of(0, 0)]);
        longer.writeUInt32BE(longer.length - 4, 0);
        return longer;
      }),
      ErrorCode.WireTrailingBytes,
    ],
    ['a body too short for a header', Buffer.of(0, 0, 0, 3, 0, 1, 2), ErrorCode.WireTruncated],
    ['a zero length prefix', Buffer.of(0, 0, 0, 0), ErrorCode.WireTruncated],
    [
      'an LZ4 raw size over the limit',
      Buffer.of(0, 0, 0, 6, 1, 0, 0, 0x20, 0, 0),
      ErrorCode.WireFrameTooLarge,
    ],
  ])('%s is a typed error', (_name, bytes, code) => {
    expect(() => new FrameDecoder().push(bytes)).toThrowError(expect.objectContaining({ code }));
  });

  it('a u64 above 2^53 - 1 with a valid checksum decodes losslessly as a bigint', () => {
    const [m] = new FrameDecoder().push(reseal(poke(5 + 15, 0xff)));
    expect(typeof m!.recipient).toBe('bigint');
    expect(m!.recipient).toBe(BigInt(Buffer.from(reseal(poke(5 + 15, 0xff))).readBigUInt64LE(5 + 8)));
  });

  it('a payloadLength of 2^63 is a truncated frame, not a bigint length', () => {
    expect(() => new FrameDecoder().push(poke(5 + 43, 0x80))).toThrowError(
      expect.objectContaining({ code: ErrorCode.WireTruncated }),
    );
  });
});

describe('FrameDecoder: reply payloads never pin the socket chunk', () => {
  it('a frame inside a larger chunk: the payload is a copy of its own bytes; a frame split across chunks: a view of that frame alone', () => {
    const payload = new Uint8Array(4096).fill(7);
    const frame = encodeFrame({ sender: 1, recipient: 0, sequence: 9, timestamp: 0, type: 2, payload });
    const chunk = new Uint8Array(frame.length * 8);
    for (let k = 0; k < 8; k++) chunk.set(frame, k * frame.length);
    const whole = new FrameDecoder().push(chunk);
    expect(whole).toHaveLength(8);
    for (const m of whole) {
      expect(m.payload).toEqual(payload);
      expect(m.payload.buffer.byteLength).toBe(4096); // its own bytes, not the 35 KB chunk
    }
    const d = new FrameDecoder();
    expect(d.push(frame.subarray(0, 1000))).toEqual([]);
    const [split] = d.push(frame.subarray(1000));
    expect(split!.payload).toEqual(payload);
    expect(split!.payload.buffer.byteLength).toBeLessThanOrEqual(frame.length); // the frame's own buffer
    chunk.fill(0); // the caller reusing its chunks changes nothing already decoded
    expect(whole[0]!.payload[0]).toBe(7);
  });
});
