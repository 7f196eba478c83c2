import { VirtualTimeScheduler } from 'rxjs';
import type { RouterError } from '../../../lib/errors.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { MemoryStream } from '../../../lib/testing/memory-stream.js';
import { Connection } from '../../../lib/transport/connection.js';
import type { ConnectionOptions } from '../../../lib/transport/connection-options.js';
import { encodeFrame } from '../../../lib/wire/encode.js';
import { FrameDecoder } from '../../../lib/wire/frame-decoder.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';

/** Lets microtasks (the connection's write batch) and promise callbacks run; no virtual time passes. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The real Connection over an in-memory stream pair in virtual time; the spec plays the node. */
export function setup(options: ConnectionOptions = {}, highWaterMark = 16 * 1024) {
  const scheduler = new VirtualTimeScheduler();
  const [client, server] = MemoryStream.pair({ scheduler, highWaterMark, record: true });
  const conn = new Connection(client, 1, { scheduler, ...options });
  const decoder = new FrameDecoder({ maxMessageBytes: 4 * 1024 * 1024 });
  const received: Message[] = [];
  server.on('data', (chunk: Uint8Array) => received.push(...decoder.push(chunk)));
  const reply = (request: Message, patch: Partial<Message> = {}) =>
    server.write(
      encodeFrame({
        sender: 1,
        recipient: 0,
        sequence: request.sequence,
        timestamp: Math.floor(scheduler.now()),
        type: request.type === MessageType.Ping ? MessageType.Pong : request.type,
        payload: request.payload,
        ...patch,
      }),
    );
  const outcomes: Array<{ err?: RouterError; reply?: Message; at: number }> = [];
  const send = (payload: Uint8Array, deadline = 10_000, type: MessageType = MessageType.Data) =>
    conn.send(type, payload, deadline, (err, r) => outcomes.push({ err, reply: r, at: scheduler.now() }));
  /** Runs virtual time to `t`, letting microtasks run before and after. */
  const step = async (t: number) => {
    await settle();
    advanceTo(scheduler, t);
    await settle();
  };
  return { scheduler, client, server, conn, received, reply, outcomes, send, step };
}
