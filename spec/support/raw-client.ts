import net from 'node:net';
import { encodeFrame } from '../../lib/wire/encode.js';
import { FrameDecoder } from '../../lib/wire/frame-decoder.js';
import { type Message, MessageType } from '../../lib/wire/message.js';

/** A bare socket client for testing servers: frames out, messages in, nothing else. */
export class RawClient {
  readonly messages: Message[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder();
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.messages.push(...this.decoder.push(chunk));
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static connect(address: string): Promise<RawClient> {
    const [host, port] = address.split(':');
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port: Number(port) }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(type: MessageType, sequence: number, payload: Uint8Array | string = new Uint8Array(0)): void {
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    this.socket.write(
      encodeFrame({ sender: 0, recipient: 1, sequence, timestamp: Date.now(), type, payload: bytes }),
    );
  }

  data(sequence: number, payload: string): void {
    this.send(MessageType.Data, sequence, payload);
  }

  /** Resolves once `count` messages have arrived in all (or the socket closed), or rejects after `ms`. */
  async waitFor(count: number, ms = 5000): Promise<Message[]> {
    const deadline = Date.now() + ms;
    while (this.messages.length < count && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`waited ${ms} ms for ${count} messages, got ${this.messages.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.messages;
  }

  /** Resolves when the server closes the socket, or rejects after `ms`. */
  async waitClosed(ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error(`socket still open after ${ms} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export const text = (m: Message | undefined) => new TextDecoder().decode(m?.payload);
