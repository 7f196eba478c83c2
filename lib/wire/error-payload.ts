/** The payload of an Error message (docs/architecture.md, Wire format): UTF-8 JSON `{code, message, retryable}`. */
export interface ErrorPayload {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Encoding and decoding of Error payloads. `parse` is strict (the connection treats anything else as a protocol
 * violation); `decode` is lenient: a payload that is not such JSON decodes to a non-retryable error.
 */
export const errorPayload = {
  /** The payload if it is exactly the documented JSON object, else `undefined`. */
  parse(bytes: Uint8Array): ErrorPayload | undefined {
    let value: unknown;
    try {
      value = JSON.parse(strictDecoder.decode(bytes));
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null) return undefined;
    const { code, message, retryable } = value as Record<string, unknown>;
    if (typeof code !== 'string' || typeof message !== 'string' || typeof retryable !== 'boolean')
      return undefined;
    return { code, message, retryable };
  },
  encode(payload: ErrorPayload): Uint8Array {
    return encoder.encode(JSON.stringify(payload));
  },
  decode(bytes: Uint8Array): ErrorPayload {
    try {
      const value = JSON.parse(decoder.decode(bytes)) as Partial<ErrorPayload>;
      return {
        code: typeof value.code === 'string' ? value.code : 'UNKNOWN',
        message: typeof value.message === 'string' ? value.message : '',
        retryable: value.retryable === true,
      };
    } catch {
      return {
        code: 'MALFORMED_ERROR_PAYLOAD',
        message: decoder.decode(bytes).slice(0, 200),
        retryable: false,
      };
    }
  },
};
