import { ErrorCode, RouterError } from '../errors.js';
import { crc32 } from './crc32.js';
import { ints } from './ints.js';
import { Layout, minMessageBytes } from './layout.js';
import { lz4Decompress } from './lz4-decompress.js';
import type { Message, MessageType } from './message.js';

/**
 * Decodes one frame body (`flag | message`, without the length prefix) from `bytes[start, end)`.
 * Throws a {@link RouterError} with a wire code for anything malformed; never anything else.
 *
 * The payload is a copy of its bytes — a reply never pins the (much larger) socket chunk it arrived in — unless
 * `owned`: `bytes` then holds this frame alone (the decoder assembled it, or LZ4 produced it) and the payload is a
 * view of it, which keeps only the frame's own bytes alive and saves the copy.
 */
export function decodeBody(
  bytes: Uint8Array,
  start: number,
  end: number,
  maxMessageBytes: number,
  owned = false,
): Message {
  if (end - start < Layout.flagBytes) throw truncated('empty frame body');
  const flag = bytes[start]!;
  if (flag === Layout.flagPlain) return decodeMessage(bytes, start + 1, end, owned);
  if (flag !== Layout.flagLz4)
    throw new RouterError(ErrorCode.WireUnknownFlag, `frame flag ${flag} is unknown`);
  const blockStart = start + Layout.flagBytes + Layout.lz4SizeBytes;
  if (blockStart > end) throw truncated('LZ4 body shorter than its size field');
  const rawSize = ints.readU32(bytes, start + Layout.flagBytes);
  if (rawSize > maxMessageBytes) {
    throw new RouterError(
      ErrorCode.WireFrameTooLarge,
      `compressed message declares ${rawSize} bytes, over maxMessageBytes ${maxMessageBytes}`,
    );
  }
  const raw = lz4Decompress(bytes.subarray(blockStart, end), rawSize);
  return decodeMessage(raw, 0, raw.length, true);
}

function decodeMessage(bytes: Uint8Array, start: number, end: number, owned: boolean): Message {
  const length = end - start;
  if (length < minMessageBytes)
    throw truncated(`message of ${length} bytes, at least ${minMessageBytes} needed`);
  const typeWord = ints.readU32(bytes, start + Layout.typeOffset);
  if (typeWord >= Layout.messageTypeCount) {
    throw new RouterError(ErrorCode.WireUnknownType, `message type ${typeWord} is unknown`);
  }
  const payloadLength = ints.readU64(bytes, start + Layout.payloadLengthOffset);
  const available = length - minMessageBytes;
  if (typeof payloadLength !== 'number' || payloadLength > available)
    throw truncated(`payloadLength ${payloadLength}, only ${available} bytes follow`);
  if (payloadLength < available) {
    throw new RouterError(
      ErrorCode.WireTrailingBytes,
      `${available - payloadLength} bytes after a payload of ${payloadLength}`,
    );
  }
  const payloadStart = start + Layout.headerBytes;
  const payloadEnd = payloadStart + payloadLength;
  const payload = owned ? bytes.subarray(payloadStart, payloadEnd) : bytes.slice(payloadStart, payloadEnd);
  const expected = ints.readU32(bytes, payloadStart + payloadLength);
  const header = crc32(bytes, 0, start, start + Layout.checksummedHeaderBytes);
  const actual = crc32(bytes, header, payloadStart, payloadEnd);
  if (actual !== expected) {
    throw new RouterError(
      ErrorCode.WireChecksum,
      `checksum mismatch: frame says ${hex(expected)}, content gives ${hex(actual)}`,
    );
  }
  return {
    sender: ints.readU64(bytes, start),
    recipient: ints.readU64(bytes, start + 8),
    sequence: ints.readU64(bytes, start + 16),
    timestamp: ints.readI64(bytes, start + 24),
    type: typeWord as MessageType,
    payload,
  };
}

function truncated(what: string): RouterError {
  return new RouterError(ErrorCode.WireTruncated, `truncated frame: ${what}`);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
