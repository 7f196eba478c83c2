import type { ByteStream } from './byte-stream.js';
import { wsCloseError } from './ws-close-error.js';

/** The standard WebSocket API as browsers, Node ≥ 22 and the `ws` package all have it. */
export interface WebSocketLike {
  binaryType: string;
  readonly bufferedAmount: number;
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

type Listener = (arg?: unknown) => void;
const highWaterBytes = 1024 * 1024;

/**
 * An open WebSocket as a {@link ByteStream}: each `write` is one binary message (one wire frame), each message
 * received is a `data` chunk. A close reports a typed error first (see `wsCloseError`), then `close`. When more
 * than 1 MiB is buffered, `write` returns false and `drain` follows once the buffer empties. Browser-safe.
 */
export class WsByteStream implements ByteStream {
  private readonly listeners = new Map<string, Listener[]>();
  private drainTimer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(
    private readonly ws: WebSocketLike,
    where: string,
  ) {
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (event) => {
      const data = event.data;
      if (data instanceof ArrayBuffer) this.emit('data', new Uint8Array(data));
      else if (ArrayBuffer.isView(data))
        this.emit('data', new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      else this.emit('data', new TextEncoder().encode(String(data))); // a text message: the decoder rejects it
    };
    ws.onerror = () => {};
    ws.onclose = (event) => {
      if (this.closed) return;
      this.closed = true;
      clearInterval(this.drainTimer);
      this.emit('error', wsCloseError(event.code, event.reason, where));
      this.emit('close');
    };
  }

  on(event: string, listener: (arg: never) => void): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as Listener);
    this.listeners.set(event, list);
    return this;
  }

  /** Bytes the WebSocket has buffered, not yet sent. */
  get writableLength(): number {
    return this.ws.bufferedAmount;
  }

  write(data: Uint8Array): boolean {
    if (this.closed) return false;
    this.ws.send(data);
    if (this.ws.bufferedAmount <= highWaterBytes) return true;
    this.drainTimer ??= setInterval(() => {
      if (this.ws.bufferedAmount > highWaterBytes) return;
      clearInterval(this.drainTimer);
      this.drainTimer = undefined;
      this.emit('drain');
    }, 5);
    return false;
  }

  end(): void {
    this.ws.close(1000, 'client closing');
  }

  destroy(): void {
    if (this.closed) return;
    this.ws.close(1000, 'client closed');
    // browsers emit 'close' only after the closing handshake; callers of destroy() need it now
    this.ws.onclose?.({ code: 1000, reason: 'client closed' });
  }

  cork(): void {}
  uncork(): void {}

  private emit(event: string, arg?: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(arg);
  }
}
