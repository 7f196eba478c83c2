import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lib/errors.js';
import { encodeFrame } from '../../../lib/wire/encode.js';
import { FrameDecoder } from '../../../lib/wire/frame-decoder.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const text = (s: string) => new TextEncoder().encode(s);

/*
 * Known answers. The first is the example of docs/architecture.md (Wire format). The others were computed independently of this code, with
 * Python's struct and zlib (CPython 3.11):
 *   msg  = struct.pack('<QQQqIQ', sender, recipient, seq, ts, type, len(payload)) + payload
 *   crc  = zlib.crc32(struct.pack('<QQQqB', sender, recipient, seq, ts, type) + payload)
 *   body = b'\x00' + msg + struct.pack('<I', crc);  frame = struct.pack('>I', len(body)) + body
 */
const vectors: Array<[string, Message, string]> = [
  [
    'docs/architecture.md client Ping',
    {
      sender: 0,
      recipient: 1,
      sequence: 0,
      timestamp: 1764000000000,
      type: MessageType.Ping,
      payload: text(''),
    },
    '00000031' +
      '00' +
      '0000000000000000' +
      '0100000000000000' +
      '0000000000000000' +
      '00e897b69a010000' +
      '00000000' +
      '0000000000000000' +
      '5974344a',
  ],
  [
    'a Pong from node 1',
    {
      sender: 1,
      recipient: 0,
      sequence: 42,
      timestamp: 1764000000123,
      type: MessageType.Pong,
      payload: text(''),
    },
    '0000003100010000000000000000000000000000002a000000000000007be897b69a01000001000000000000000000000099f433c0',
  ],
  [
    'Data with max safe sequence and negative timestamp',
    {
      sender: 0,
      recipient: 3,
      sequence: Number.MAX_SAFE_INTEGER,
      timestamp: -5,
      type: MessageType.Data,
      payload: text('hello, qdb'),
    },
    '0000003b0000000000000000000300000000000000ffffffffffff1f00fbffffffffffffff020000000a0000000000000068656c6c6f2c20716462c56c409b',
  ],
  [
    'an Error reply',
    {
      sender: 0,
      recipient: 2,
      sequence: 7,
      timestamp: 0,
      type: MessageType.Error,
      payload: text('{"code":"E","message":"m","retryable":true}'),
    },
    '0000005c000000000000000000020000000000000007000000000000000000000000000000040000002b000000000000007b22636f6465223a2245222c226d657373616765223a226d222c22726574727961626c65223a747275657d02446d76',
  ],
];

/*
 * The four 64-bit frames of issue #13 (valid for the reference client, which encodes full u64 / i64), computed
 * the same way with Python's struct and zlib. Outside the safe integer range the fields are bigints.
 */
const wide: Array<[string, Message, string]> = [
  [
    'a Pong from sender 2^64 - 1',
    {
      sender: 2n ** 64n - 1n,
      recipient: 0,
      sequence: 5,
      timestamp: 1764000000000,
      type: 1,
      payload: text(''),
    },
    '0000003100ffffffffffffffff0000000000000000050000000000000000e897b69a010000010000000000000000000000e6c73e1d',
  ],
  [
    'Data with sequence 2^53',
    { sender: 1, recipient: 0, sequence: 2n ** 53n, timestamp: 1764000000000, type: 2, payload: text('x') },
    '000000320001000000000000000000000000000000000000000000200000e897b69a010000020000000100000000000000787c85b977',
  ],
  [
    'an Ack with sequence 2^63',
    { sender: 1, recipient: 0, sequence: 2n ** 63n, timestamp: 1764000000000, type: 3, payload: text('') },
    '000000310001000000000000000000000000000000000000000000008000e897b69a0100000300000000000000000000001f2c41a6',
  ],
  [
    'a Ping with timestamp i64::MIN',
    { sender: 2, recipient: 0, sequence: 9, timestamp: -(2n ** 63n), type: 0, payload: text('') },
    '00000031000200000000000000000000000000000009000000000000000000000000000080000000000000000000000000fd07ac4d',
  ],
];

describe('64-bit fields', () => {
  it.each(wide)(
    '%s decodes to the exact value (bigint) and re-encodes to the same bytes',
    (_n, message, hexFrame) => {
      const bytes = Uint8Array.from(Buffer.from(hexFrame, 'hex'));
      const [decoded] = new FrameDecoder().push(bytes);
      expect(decoded).toEqual(message);
      expect(hex(encodeFrame(decoded!))).toBe(hexFrame);
      expect(hex(encodeFrame(message))).toBe(hexFrame);
    },
  );

  it('keeps safe values as numbers (2^53 - 1, -(2^53 - 1)) and takes a safe bigint as the same bytes', () => {
    const base = vectors[0]![1];
    const m = { ...base, sequence: Number.MAX_SAFE_INTEGER, timestamp: Number.MIN_SAFE_INTEGER };
    const [decoded] = new FrameDecoder().push(encodeFrame(m));
    expect(typeof decoded!.sequence).toBe('number');
    expect(typeof decoded!.timestamp).toBe('number');
    expect(decoded).toEqual(m);
    expect(hex(encodeFrame({ ...m, sequence: BigInt(m.sequence), timestamp: BigInt(m.timestamp) }))).toBe(
      hex(encodeFrame(m)),
    );
    // the first values past the safe range come out as bigints
    const past = { ...base, sequence: 2n ** 53n, timestamp: -(2n ** 53n) };
    expect(new FrameDecoder().push(encodeFrame(past))).toEqual([past]);
  });

  it('round-trips any u64 / i64 losslessly', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        (a, b, t) => {
          const norm = (v: bigint) => (v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : v);
          const m: Message = {
            sender: a,
            recipient: b,
            sequence: a ^ b,
            timestamp: t,
            type: 2,
            payload: text('p'),
          };
          const [decoded] = new FrameDecoder().push(encodeFrame(m));
          expect(decoded).toEqual({
            ...m,
            sender: norm(a),
            recipient: norm(b),
            sequence: norm(a ^ b),
            timestamp: norm(t),
          });
          expect(hex(encodeFrame(decoded!))).toBe(hex(encodeFrame(m)));
        },
      ),
    );
  });

  it.each([
    ['sender', { sender: 2n ** 64n }],
    ['recipient', { recipient: -1n }],
    ['timestamp', { timestamp: 2n ** 63n }],
  ])('rejects a bigint %s outside its 64-bit range with ERR_WIRE_INTEGER_RANGE', (field, patch) => {
    expect(() => encodeFrame({ ...vectors[0]![1], ...patch })).toThrowError(
      expect.objectContaining({ code: ErrorCode.WireIntegerRange, message: expect.stringContaining(field) }),
    );
  });
});

describe('encodeFrame', () => {
  it.each(vectors)('%s comes out byte for byte, and decodes back', (_name, message, expected) => {
    const frame = encodeFrame(message);
    expect(hex(frame)).toBe(expected);
    expect(new FrameDecoder().push(frame)).toEqual([message]);
  });

  it.each([
    ['sender', { sender: -1 }],
    ['recipient', { recipient: 2 ** 53 }],
    ['sequence', { sequence: 1.5 }],
    ['timestamp', { timestamp: Number.NaN }],
  ])('rejects an out-of-range %s with ERR_WIRE_INTEGER_RANGE naming the field', (field, patch) => {
    const base = vectors[0]![1];
    expect(() => encodeFrame({ ...base, ...patch })).toThrowError(
      expect.objectContaining({ code: ErrorCode.WireIntegerRange, message: expect.stringContaining(field) }),
    );
  });

  it('rejects an unknown type and a message over maxMessageBytes', () => {
    const base = vectors[0]![1];
    expect(() => encodeFrame({ ...base, type: 12 as MessageType })).toThrowError(
      expect.objectContaining({ code: ErrorCode.WireUnknownType }),
    );
    expect(() =>
      encodeFrame({ ...base, payload: new Uint8Array(100) }, { maxMessageBytes: 100 }),
    ).toThrowError(expect.objectContaining({ code: ErrorCode.WireFrameTooLarge }));
  });

  it("by default never writes a frame the reference's reader refuses: a length prefix of at most 1,048,576", () => {
    const base = { ...vectors[0]![1], type: MessageType.Data };
    const largest = encodeFrame({ ...base, payload: new Uint8Array(1024 * 1024 - 1 - 48) });
    expect(Buffer.from(largest).readUInt32BE(0)).toBe(1_048_576); // flag + a message of 1 MiB − 1
    expect(() => encodeFrame({ ...base, payload: new Uint8Array(1024 * 1024 - 48) })).toThrowError(
      expect.objectContaining({ code: ErrorCode.WireFrameTooLarge, retryable: false }),
    );
  });

  it('compresses above the threshold with flag 1 and a u32 LE raw size, and round-trips', () => {
    const payload = text('abcdefgh'.repeat(200));
    const message: Message = { ...vectors[0]![1], type: MessageType.Data, payload };
    const frame = encodeFrame(message, { compressAboveBytes: 64 });
    expect(frame[4]).toBe(1);
    const rawSize = Buffer.from(frame).readUInt32LE(5);
    expect(rawSize).toBe(48 + payload.length);
    expect(frame.length).toBeLessThan(payload.length / 4);
    expect(new FrameDecoder().push(frame)).toEqual([message]);
    // compression is used only when it makes the frame smaller, and is off by default
    let seed = 0x9e3779b9;
    const random = Uint8Array.from({ length: 512 }, () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed & 0xff;
    });
    const plain = encodeFrame({ ...message, payload: random }, { compressAboveBytes: 64 });
    expect(plain.length).toBeLessThanOrEqual(5 + 48 + 512);
    expect(new FrameDecoder().push(plain)[0]?.payload).toEqual(random);
    expect(encodeFrame(message)[4]).toBe(0);
  });
});
