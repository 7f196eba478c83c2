/** The payload of an Error message (DESIGN §3): UTF-8 JSON `{code, message, retryable}`. */
export interface ErrorPayload {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encoding and decoding of Error payloads; a payload that is not such JSON decodes to a non-retryable error. */
export const errorPayload = {
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
