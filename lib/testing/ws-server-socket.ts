import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';

/**
 * A server-side WebSocket (from the `ws` package) with the part of the `net.Socket` API that TestServer uses,
 * so WebSocket clients get exactly the TCP behaviour and faults: each binary message is a `data` chunk, each
 * write one message; `pause()` stops reading (a hung node); `resetAndDestroy()` drops the connection.
 */
export class WsServerSocket extends EventEmitter {
  constructor(private readonly ws: WebSocket) {
    super();
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      this.emit('data', chunk);
    });
    ws.on('error', (err) => this.emit('error', err));
    ws.on('close', () => this.emit('close'));
  }

  get destroyed(): boolean {
    return this.ws.readyState >= 2;
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  write(frame: Uint8Array): boolean {
    this.ws.send(frame);
    return true;
  }

  end(): void {
    this.ws.close(1000, 'server closing');
  }

  destroy(): void {
    this.ws.terminate();
  }

  resetAndDestroy(): void {
    this.ws.terminate();
  }
}
