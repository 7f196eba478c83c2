import { ErrorCode, RouterError } from '../errors.js';

const encoder = new TextEncoder();

/**
 * The bytes of a request payload: a `Uint8Array` as it is, a string as UTF-8, any other `ArrayBufferView`
 * (`Uint16Array`, `DataView`, `Buffer` …) as the bytes it covers (`buffer`, `byteOffset`, `byteLength`, no copy).
 * Anything else throws a non-retryable `ERR_INVALID_PAYLOAD` naming the type received.
 */
export function payloadBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return encoder.encode(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new RouterError(
    ErrorCode.InvalidPayload,
    `payload must be a Uint8Array, a string or an ArrayBufferView, got ${describe(value)}`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `an object (${name})` : 'an object';
}
