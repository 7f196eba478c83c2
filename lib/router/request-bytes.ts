import { ErrorCode, RouterError } from '../errors.js';
import { Layout } from '../wire/layout.js';

const encoder = new TextEncoder();

/**
 * A request payload as bytes, checked before any node is chosen: a `Uint8Array` as it is, a string as UTF-8, any
 * other `ArrayBufferView` as the bytes it covers; anything else throws a non-retryable `ERR_INVALID_PAYLOAD`.
 * A message that would exceed `maxMessageBytes` throws a non-retryable `ERR_WIRE_FRAME_TOO_LARGE`. Neither
 * counts against any node.
 */
export function requestBytes(payload: unknown, maxMessageBytes: number): Uint8Array {
  let bytes: Uint8Array;
  if (payload instanceof Uint8Array) bytes = payload;
  else if (typeof payload === 'string') bytes = encoder.encode(payload);
  else if (ArrayBuffer.isView(payload))
    bytes = new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  else
    throw new RouterError(
      'ERR_INVALID_PAYLOAD',
      `payload must be a Uint8Array, a string or an ArrayBufferView, got ${payload === null ? 'null' : typeof payload}`,
    );
  const messageBytes = Layout.headerBytes + bytes.length + Layout.checksumBytes;
  if (messageBytes > maxMessageBytes) {
    throw new RouterError(
      ErrorCode.WireFrameTooLarge,
      `message of ${messageBytes} bytes exceeds maxMessageBytes ${maxMessageBytes}`,
    );
  }
  return bytes;
}
