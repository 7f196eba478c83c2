import { ErrorCode, RouterError } from '../errors.js';
import { crc32 } from './crc32.js';
import { ints } from './ints.js';
import { Layout } from './layout.js';
import { lz4Compress } from './lz4-compress.js';
import type { Message } from './message.js';

/** Options of {@link encodeFrame}. */
export interface EncodeOptions {
  /**
   * Compress (flag 1, LZ4 block with its u32 LE raw size first, as lz4_flex's `compress_prepend_size`) when the
   * message is larger than this many bytes and compression makes it smaller. @defaultValue Infinity (never)
   */
  readonly compressAboveBytes?: number;
  /** Refuse to encode a message larger than this. @defaultValue 1048575 (a length prefix of at most 1 MiB, the reference's rule) */
  readonly maxMessageBytes?: number;
}

/**
 * Encodes one message as a whole frame: `length:u32 BE | flag:u8 | message` (docs/architecture.md, Wire format), the CRC-32 computed
 * over sender, recipient, sequence, timestamp, the type as one byte, and the payload.
 * 64-bit fields may be numbers (safe integers) or bigints (any u64 / i64).
 * Throws `ERR_WIRE_INTEGER_RANGE` for an integer field out of its range (or an unsafe number),
 * `ERR_WIRE_UNKNOWN_TYPE` for an unknown type, `ERR_WIRE_FRAME_TOO_LARGE` above `maxMessageBytes`.
 */
export function encodeFrame(message: Message, options: EncodeOptions = {}): Uint8Array {
  const { type, payload } = message;
  if (!Number.isInteger(type) || type < 0 || type >= Layout.messageTypeCount) {
    throw new RouterError(ErrorCode.WireUnknownType, `message type ${String(type)} is unknown`);
  }
  const messageBytes = Layout.headerBytes + payload.length + Layout.checksumBytes;
  const max = options.maxMessageBytes ?? Layout.defaultMaxMessageBytes;
  if (messageBytes > max) {
    throw new RouterError(
      ErrorCode.WireFrameTooLarge,
      `message of ${messageBytes} bytes exceeds maxMessageBytes ${max}`,
    );
  }
  const start = Layout.prefixBytes + Layout.flagBytes;
  const frame = new Uint8Array(start + messageBytes);
  ints.writeU64(frame, start, message.sender, 'sender');
  ints.writeU64(frame, start + 8, message.recipient, 'recipient');
  ints.writeU64(frame, start + 16, message.sequence, 'sequence');
  ints.writeI64(frame, start + 24, message.timestamp, 'timestamp');
  ints.writeU32(frame, start + Layout.typeOffset, type);
  ints.writeU64(frame, start + Layout.payloadLengthOffset, payload.length, 'payloadLength');
  const payloadStart = start + Layout.headerBytes;
  frame.set(payload, payloadStart);
  const header = crc32(frame, 0, start, start + Layout.checksummedHeaderBytes);
  const checksum = crc32(frame, header, payloadStart, payloadStart + payload.length);
  ints.writeU32(frame, start + Layout.headerBytes + payload.length, checksum);

  const threshold = options.compressAboveBytes ?? Number.POSITIVE_INFINITY;
  if (messageBytes > threshold) {
    const block = lz4Compress(frame.subarray(start));
    if (block !== undefined) return compressedFrame(block, messageBytes);
  }
  writeU32BE(frame, 0, Layout.flagBytes + messageBytes);
  frame[Layout.prefixBytes] = Layout.flagPlain;
  return frame;
}

function compressedFrame(block: Uint8Array, rawSize: number): Uint8Array {
  const bodyBytes = Layout.flagBytes + Layout.lz4SizeBytes + block.length;
  const frame = new Uint8Array(Layout.prefixBytes + bodyBytes);
  writeU32BE(frame, 0, bodyBytes);
  frame[Layout.prefixBytes] = Layout.flagLz4;
  ints.writeU32(frame, Layout.prefixBytes + Layout.flagBytes, rawSize);
  frame.set(block, Layout.prefixBytes + Layout.flagBytes + Layout.lz4SizeBytes);
  return frame;
}

function writeU32BE(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = (value >>> 24) & 0xff;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}
