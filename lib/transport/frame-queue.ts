import type { ByteStream } from './byte-stream.js';

/**
 * The frames of a connection not yet written, in send order. An item's `frame` is set while it waits and
 * cleared once it is written or dropped, so a dropped item left in the array is skipped, never written.
 */
export class FrameQueue<T extends { frame: Uint8Array | undefined }> {
  /** Bytes of the frames waiting. */
  bytes = 0;
  /** Items head..tail-1 wait; slots outside that are cleared, and the array keeps its size between batches. */
  private items: (T | undefined)[] = [];
  private head = 0;
  private tail = 0;

  /** True when no frame waits. */
  get isEmpty(): boolean {
    return this.bytes === 0;
  }

  push(item: T): void {
    if (this.tail < this.items.length) this.items[this.tail] = item;
    else this.items.push(item);
    this.tail++;
    this.bytes += item.frame!.length;
  }

  /** Drops the item's frame; true when it had not been written yet. */
  drop(item: T): boolean {
    const frame = item.frame;
    if (frame === undefined) return false;
    this.bytes -= frame.length;
    item.frame = undefined;
    return true;
  }

  /**
   * Writes the waiting frames in order, in one corked batch, each exactly once, until `write` returns false:
   * the stream then holds that frame and the rest wait for 'drain'. Returns true when the stream asked to wait.
   */
  writeTo(stream: ByteStream): boolean {
    if (this.head >= this.tail) return false;
    let blocked = false;
    stream.cork();
    const items = this.items;
    while (this.head < this.tail) {
      const item = items[this.head]!;
      items[this.head++] = undefined;
      const frame = item.frame;
      if (frame === undefined) continue; // cancelled or timed out before it was written
      item.frame = undefined;
      this.bytes -= frame.length;
      if (!stream.write(frame)) {
        blocked = true;
        break;
      }
    }
    stream.uncork();
    if (this.head === this.tail) this.clear();
    return blocked;
  }

  /** Removes and returns every item still waiting. */
  takeUnwritten(): T[] {
    const out = (this.items.slice(this.head, this.tail) as T[]).filter((item) => item.frame !== undefined);
    for (const item of out) this.drop(item);
    return out;
  }

  /** Forgets everything (the items' frames are left as they are). */
  clear(): void {
    // a queue that once held many frames gives its array back; a small one keeps it for the next batch
    if (this.items.length > 1024) this.items = [];
    else this.items.fill(undefined, this.head, this.tail);
    this.head = 0;
    this.tail = 0;
    this.bytes = 0;
  }
}
