import { Layout } from '../wire/layout.js';

/** The frame-limit options of a TestServer. */
export interface ServerFrameLimitOptions {
  /** Largest message accepted from a client. @defaultValue 1048576 */
  readonly maxMessageBytes?: number;
  /**
   * Refuse frames as the reference server's reader (`read_message`) does: a length prefix (flag + message) over
   * 1,048,576 bytes closes the connection before the body is read, so a message of 1 MiB − 1 is served and one
   * of exactly 1 MiB is not. With `maxMessageBytes` too, the smaller limit applies. @defaultValue false
   */
  readonly referenceFrameLimit?: boolean;
}

/** The largest message a TestServer's decoder accepts from a client. */
export function serverMaxMessageBytes(options: ServerFrameLimitOptions): number {
  const own = options.maxMessageBytes ?? 1024 * 1024;
  if (!options.referenceFrameLimit) return own;
  return Math.min(own, Layout.referenceMaxFrameLength - Layout.flagBytes);
}
