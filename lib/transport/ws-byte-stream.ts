import { ErrorCode, RouterError } from '../errors.js';
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
  /** The `ws` package's immediate close (no closing handshake); browsers have none. */
  terminate?(): void;
}

type Listener = (arg?: unknown) => void;
const highWaterBytes = 1024 * 1024;

/**
 * An open WebSocket as a {@link ByteStream}: each `write` is one binary message (one wire frame), each message
 * received is a `data` chunk. A close reports a typed error first (see `wsCloseError`), then `close`. When more
 * than 1 MiB is buffered, `write` returns false and `drain` follows once the buffer empties. Browser-safe.
 *
 * A message over `maxFrameBytes` (one frame at the decoder's limit) closes the stream with a non-retryable
 * `ERR_WIRE_FRAME_TOO_LARGE`, as a length prefix over the limit does on TCP: the `ws` package refuses it from the
 * WebSocket frame header (`maxPayload`, set by `connectWebSocket`) and reports an error, which ends the stream at
 * once (the socket is terminated, the rest never read); a browser has already read it, and it goes no further.
 */
export class WsByteStream implements ByteStream {
  private readonly listeners = new Map<string, Listener[]>();
  private drainTimer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(
    private readonly ws: WebSocketLike,
    private readonly where: string,
    private readonly maxFrameBytes = Number.POSITIVE_INFINITY,
  ) {
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (event) => {
      if (this.closed) return;
      const data = event.data;
      if (data instanceof ArrayBuffer) this.receive(new Uint8Array(data));
      else if (ArrayBuffer.isView(data))
        this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      else this.emit('data', new TextEncoder().encode(String(data))); // a text message: the decoder rejects it
    };
    ws.onerror = (event) => {
      // `ws` (maxPayload): "Max payload size exceeded", code WS_ERR_UNSUPPORTED_MESSAGE_LENGTH, close code 1009
      const error = (event as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      if (error?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
        this.tooLarge(`over ${this.maxFrameBytes} bytes`);
    };
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

  private receive(bytes: Uint8Array): void {
    if (bytes.length > this.maxFrameBytes) this.tooLarge(`of ${bytes.length} bytes`);
    else this.emit('data', bytes);
  }

  /** Ends the stream with ERR_WIRE_FRAME_TOO_LARGE now, reading nothing more. */
  private tooLarge(size: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.drainTimer);
    if (this.ws.terminate) this.ws.terminate();
    else this.ws.close(1000, 'message too big'); // browsers allow only 1000 and 3000-4999 here
    const limit = this.maxFrameBytes - 5;
    this.emit(
      'error',
      new RouterError(
        ErrorCode.WireFrameTooLarge,
        `${this.where} sent a WebSocket message ${size}, over the frame limit (maxMessageBytes ${limit} + 5)`,
        { retryable: true }, // as a length prefix over the limit on TCP: another node may serve the request
      ),
    );
    this.emit('close');
  }

  cork(): void {}
  uncork(): void {}

  private emit(event: string, arg?: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(arg);
  }
}
