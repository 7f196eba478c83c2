import { ErrorCode, RouterError } from '../errors.js';
import { Layout } from '../wire/layout.js';
import { payloadBytes } from '../wire/payload-bytes.js';

/**
 * A request payload as bytes (`payloadBytes`: a `Uint8Array` as it is, a string as UTF-8, any other
 * `ArrayBufferView` as the bytes it covers; anything else a non-retryable `ERR_INVALID_PAYLOAD`), checked before
 * any node is chosen: a message that would exceed `maxMessageBytes` throws a non-retryable
 * `ERR_WIRE_FRAME_TOO_LARGE`. Neither counts against any node.
 */
export function requestBytes(payload: unknown, maxMessageBytes: number): Uint8Array {
  const bytes = payloadBytes(payload);
  const messageBytes = Layout.headerBytes + bytes.length + Layout.checksumBytes;
  if (messageBytes > maxMessageBytes) {
    throw new RouterError(
      ErrorCode.WireFrameTooLarge,
      `message of ${messageBytes} bytes exceeds maxMessageBytes ${maxMessageBytes}`,
    );
  }
  return bytes;
}
