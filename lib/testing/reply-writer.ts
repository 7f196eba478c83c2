import type { FaultyReply } from './apply-fault.js';

/** The part of a socket (TCP, TLS or the WebSocket adapter) a {@link ReplyWriter} writes to. */
export interface ReplySocket {
  readonly destroyed: boolean;
  write(bytes: Uint8Array, written?: () => void): boolean;
  resetAndDestroy(): void;
}

interface Item {
  readonly bytes: Uint8Array;
  offset: number;
  readonly step: number;
  readonly intervalMs: number;
  readonly resetAfter: boolean;
}

/**
 * Writes the replies of one connection in order. A dribbled reply (`slowloris`) holds back every reply after it,
 * so bytes never interleave; a reset (`reset-mid-reply`) happens once everything before it is out.
 *
 * ```
 * write(A) write(B, dribble 2 B/20 ms) write(C)
 * socket:  A  B0B1 ─20ms─ B2B3 ─20ms─ B4 C
 * ```
 */
export class ReplyWriter {
  private readonly queue: Item[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly socket: ReplySocket) {}

  write(reply: FaultyReply): void {
    if (this.closed) return;
    const last = reply.chunks.length - 1;
    reply.chunks.forEach((bytes, i) => {
      this.queue.push({
        bytes,
        offset: 0,
        step: reply.dribble?.bytesPerWrite ?? Number.POSITIVE_INFINITY,
        intervalMs: reply.dribble?.intervalMs ?? 0,
        resetAfter: i === last && reply.resetAfter === true,
      });
    });
    if (reply.chunks.length === 0 && reply.resetAfter) this.reset();
    if (!this.timer) this.pump();
  }

  /** Drops what is queued and stops the dribble timer (the connection closed). */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    this.timer = undefined;
    while (this.queue.length > 0) {
      if (this.closed || this.socket.destroyed) {
        this.close();
        return;
      }
      const item = this.queue[0]!;
      const end = Math.min(item.bytes.length, item.offset + item.step);
      const done = end >= item.bytes.length;
      if (done && item.resetAfter) {
        // reset once these bytes are out (a reset discards what is still buffered)
        this.queue.length = 0;
        this.closed = true;
        this.socket.write(item.bytes.subarray(item.offset, end), () => {
          // a reset right after the write callback still goes out as a FIN now and then: give it a moment
          this.timer = setTimeout(() => this.reset(), 20);
        });
        return;
      }
      this.socket.write(item.bytes.subarray(item.offset, end));
      item.offset = end;
      if (done) this.queue.shift();
      if (Number.isFinite(item.step) && this.queue.length > 0) {
        this.timer = setTimeout(() => this.pump(), item.intervalMs);
        return;
      }
    }
  }

  private reset(): void {
    this.close();
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }
}
