import net from 'node:net';
import { encodeFrame } from '../wire/encode.js';
import { FrameDecoder } from '../wire/frame-decoder.js';
import { MessageType } from '../wire/message.js';

/**
 * Sends one Admin command (`admin-command.ts`) to a test node at `host:port` over a connection of its own and
 * resolves with the parsed JSON reply; rejects after `timeoutMs` (the socket is always destroyed). To a node
 * started with `auth`, pass its `token`: the handshake goes first on the same connection.
 */
export function sendAdminCommand(
  address: string,
  command: object,
  timeoutMs = 2000,
  token?: string,
): Promise<unknown> {
  const sequence = token === undefined ? 1 : 2;
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(colon + 1));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const decoder = new FrameDecoder();
    const timer = setTimeout(
      () => finish(new Error(`no Admin reply from ${address} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const finish = (err: Error | undefined, value?: unknown) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error(`${address} closed the connection before replying`)));
    const frame = (seq: number, body: object) =>
      encodeFrame({
        sender: 0,
        recipient: 0,
        sequence: seq,
        timestamp: Date.now(),
        type: MessageType.Admin,
        payload: new TextEncoder().encode(JSON.stringify(body)),
      });
    socket.on('connect', () => {
      if (token !== undefined) socket.write(frame(1, { token }));
      socket.write(frame(sequence, command));
    });
    socket.on('data', (chunk) => {
      try {
        const replies = decoder.push(chunk);
        const refused = replies.find((m) => m.type === MessageType.Error);
        if (refused) {
          const text = new TextDecoder().decode(refused.payload);
          return finish(new Error(`${address} refused the Admin command: ${text}`));
        }
        const reply = replies.find((m) => m.sequence === sequence);
        if (reply) finish(undefined, JSON.parse(new TextDecoder().decode(reply.payload)));
      } catch (err) {
        finish(err as Error);
      }
    });
  });
}
