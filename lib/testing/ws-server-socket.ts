import { EventEmitter } from 'node:events';
import { type WebSocket, WebSocketServer } from 'ws';

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

  write(frame: Uint8Array, written?: () => void): boolean {
    this.ws.send(frame, written && (() => written()));
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

/** Starts a WebSocket server whose connections reach `accept` as {@link WsServerSocket}s; resolves when listening. */
export async function listenWebSocket(
  host: string,
  port: number,
  accept: (socket: WsServerSocket) => void,
): Promise<WebSocketServer> {
  const wss = new WebSocketServer({ host, port });
  wss.on('connection', (ws) => accept(new WsServerSocket(ws)));
  await new Promise<void>((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      wss.off('error', reject);
      resolve();
    });
  });
  return wss;
}
