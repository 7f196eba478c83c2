import { encodeFrame } from '../wire/encode.js';
import type { Message } from '../wire/message.js';

/** A test server's frame for `message`: any size the wire can carry (a client's limit is the client's to enforce). */
export function encodeReply(message: Message): Uint8Array {
  return encodeFrame(message, { maxMessageBytes: 0xffff_fffe });
}
