import net from 'node:net';
import { encodeFrame } from '../wire/encode.js';
import { FrameDecoder } from '../wire/frame-decoder.js';
import { MessageType } from '../wire/message.js';

/**
 * Sends one Admin command (`admin-command.ts`) to a test node at `host:port` over a connection of its own and
 * resolves with the parsed JSON reply; rejects after `timeoutMs` (the socket is always destroyed).
 */
export function sendAdminCommand(address: string, command: object, timeoutMs = 2000): Promise<unknown> {
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
    socket.on('connect', () => {
      const payload = new TextEncoder().encode(JSON.stringify(command));
      socket.write(
        encodeFrame({
          sender: 0,
          recipient: 0,
          sequence: 1,
          timestamp: Date.now(),
          type: MessageType.Admin,
          payload,
        }),
      );
    });
    socket.on('data', (chunk) => {
      try {
        const reply = decoder.push(chunk).find((m) => m.sequence === 1);
        if (reply) finish(undefined, JSON.parse(new TextDecoder().decode(reply.payload)));
      } catch (err) {
        finish(err as Error);
      }
    });
  });
}
