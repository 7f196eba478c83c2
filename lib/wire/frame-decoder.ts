import { ErrorCode, RouterError } from '../errors.js';
import { decodeBody } from './decode-body.js';
import { Layout } from './layout.js';
import type { Message } from './message.js';

/** Options of {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /**
   * The largest message accepted; a length prefix over it (plus the flag byte) is rejected before its body arrives.
   * @defaultValue 1048575 (a length prefix of at most 1,048,576: the reference's rule)
   */
  readonly maxMessageBytes?: number;
}

/**
 * Turns a byte stream, cut into chunks any way at all, into whole messages.
 *
 * It holds at most one frame's bytes (never more than `maxMessageBytes` plus its flag), and rejects a length
 * prefix over the limit as soon as the 4 prefix bytes are in. Any malformed input throws a {@link RouterError}
 * with a wire code; the decoder is then failed for good (the stream has lost its framing) and every later
 * `push` throws the same error: close that connection.
 */
export class FrameDecoder {
  readonly maxMessageBytes: number;
  private readonly prefix = new Uint8Array(Layout.prefixBytes);
  private prefixFill = 0;
  private body: Uint8Array | undefined;
  private bodyFill = 0;
  private failure: RouterError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? Layout.defaultMaxMessageBytes;
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.prefixFill + this.bodyFill;
  }

  /** Feeds one chunk; returns the messages it completes (possibly none). */
  push(chunk: Uint8Array): Message[] {
    if (this.failure) throw this.failure;
    try {
      return this.consume(chunk);
    } catch (err) {
      this.failure =
        err instanceof RouterError
          ? err
          : new RouterError(ErrorCode.WireTruncated, String(err), { cause: err });
      this.body = undefined;
      this.prefixFill = this.bodyFill = 0;
      throw this.failure;
    }
  }

  private consume(chunk: Uint8Array): Message[] {
    const out: Message[] = [];
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.body === undefined) {
        let length: number;
        if (this.prefixFill === 0 && n - i >= Layout.prefixBytes) {
          length = readU32BE(chunk, i);
          i += Layout.prefixBytes;
        } else {
          const take = Math.min(Layout.prefixBytes - this.prefixFill, n - i);
          this.prefix.set(chunk.subarray(i, i + take), this.prefixFill);
          this.prefixFill += take;
          i += take;
          if (this.prefixFill < Layout.prefixBytes) break;
          this.prefixFill = 0;
          length = readU32BE(this.prefix, 0);
        }
        this.checkLength(length);
        if (n - i >= length) {
          out.push(decodeBody(chunk, i, i + length, this.maxMessageBytes));
          i += length;
          continue;
        }
        this.body = new Uint8Array(length);
        this.bodyFill = 0;
      }
      const body = this.body;
      const take = Math.min(body.length - this.bodyFill, n - i);
      body.set(chunk.subarray(i, i + take), this.bodyFill);
      this.bodyFill += take;
      i += take;
      if (this.bodyFill === body.length) {
        this.body = undefined;
        this.bodyFill = 0;
        out.push(decodeBody(body, 0, body.length, this.maxMessageBytes, true)); // body is this frame's own buffer
      }
    }
    return out;
  }

  private checkLength(length: number): void {
    if (length > this.maxMessageBytes + Layout.flagBytes) {
      throw new RouterError(
        ErrorCode.WireFrameTooLarge,
        `frame length ${length} exceeds maxMessageBytes ${this.maxMessageBytes}`,
      );
    }
    if (length === 0) throw new RouterError(ErrorCode.WireTruncated, 'truncated frame: length prefix 0');
  }
}

function readU32BE(bytes: Uint8Array, offset: number): number {
  return (
    bytes[offset]! * 0x1000000 + ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!)
  );
}
