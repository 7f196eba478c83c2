import type http from 'node:http';

/** Why a feed client was let go. */
export type DropReason = 'behind' | 'closed';

/**
 * One `/events` client with write backpressure: it writes while `res.write()` says the stream takes more, queues
 * after it returned false and flushes on `'drain'`. A client whose queue passes `maxQueuedBytes` (it stopped
 * reading) is disconnected and `onDrop` is told, so a stalled client costs at most its initial burst plus that
 * bound. Messages are strings shared by every client (serialised once per broadcast).
 */
export class SseClient {
  private readonly res: http.ServerResponse;
  private readonly maxQueuedBytes: number;
  private readonly onDrop: (client: SseClient, reason: DropReason, queuedBytes: number) => void;
  private readonly queue: string[] = [];
  private queuedBytes = 0;
  private waiting = false;
  private closed = false;
  /** `host:port` of the client, for log lines. */
  readonly peer: string;

  constructor(
    res: http.ServerResponse,
    maxQueuedBytes: number,
    onDrop: (client: SseClient, reason: DropReason, queuedBytes: number) => void,
  ) {
    this.res = res;
    this.maxQueuedBytes = maxQueuedBytes;
    this.onDrop = onDrop;
    const socket = res.socket;
    this.peer = socket ? `${socket.remoteAddress}:${socket.remotePort}` : 'unknown';
    res.on('drain', () => this.flush());
    res.on('close', () => this.drop('closed'));
  }

  /** Bytes queued here, not yet handed to the socket. */
  get queued(): number {
    return this.queuedBytes;
  }

  /** Sends one SSE chunk (a whole message): written now, queued behind earlier ones, or the client is dropped. */
  send(chunk: string): void {
    if (this.closed) return;
    if (!this.waiting) {
      this.waiting = !this.res.write(chunk);
      return;
    }
    this.queue.push(chunk);
    this.queuedBytes += Buffer.byteLength(chunk);
    if (this.queuedBytes > this.maxQueuedBytes) this.drop('behind');
  }

  /** A keep-alive comment, only when nothing is waiting (a queue already proves the line is busy). */
  keepAlive(): void {
    if (!this.waiting && !this.closed) this.waiting = !this.res.write(': keep-alive\n\n');
  }

  /** Ends the response (server closing). */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.res.end();
  }

  private flush(): void {
    this.waiting = false;
    while (this.queue.length > 0 && !this.waiting && !this.closed) {
      const chunk = this.queue.shift()!;
      this.queuedBytes -= Buffer.byteLength(chunk);
      this.waiting = !this.res.write(chunk);
    }
  }

  private drop(reason: DropReason): void {
    if (this.closed) return;
    this.closed = true;
    const queued = this.queuedBytes;
    this.queue.length = 0;
    this.queuedBytes = 0;
    // a client that stopped reading: destroy its socket, so what Node already buffered for it is freed too
    if (reason === 'behind') this.res.destroy();
    this.onDrop(this, reason, queued);
  }
}
