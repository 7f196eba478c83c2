import type { SchedulerLike } from 'rxjs';
import type { ByteStream } from '../transport/byte-stream.js';

/** Options of {@link memoryStreamPair}. */
export interface MemoryStreamOptions {
  /** Time source: bytes, drains and closes travel as scheduler actions. */
  readonly scheduler: SchedulerLike;
  /** `write` returns false once this many bytes wait to be read; 'drain' follows when they are. @defaultValue 16384 */
  readonly highWaterMark?: number;
  /** Scheduler ms between a write (or uncork) and its delivery. @defaultValue 0 */
  readonly latencyMs?: number;
  /** Keep every chunk written in `written` (for specs; off for benchmarks). @defaultValue false */
  readonly record?: boolean;
}

type Listener = (arg?: never) => void;

/**
 * One end of an in-memory byte stream pair, a {@link ByteStream} in virtual time. Bytes written wait in this
 * end's buffer (`writableLength`) until they are delivered to the other end as one `data` chunk per delivery;
 * a reader that is `pause()`d takes nothing, so the writer's buffer grows as against a node that stops reading.
 * `write` returns false from `highWaterMark` on and 'drain' is emitted once the buffer has been delivered —
 * the Node contract, which a Connection relies on. With `record`, `written` keeps every chunk accepted, in order.
 *
 * ```
 * write(a) write(b)=false        peer.resume()   (latencyMs)
 * ──────────────────────────────────────────────────[data ab]──[drain]──►
 * ```
 */
export class MemoryStream implements ByteStream {
  /** With `record`: every chunk this end accepted from `write`, in order (what went on the "wire"). */
  readonly written: Uint8Array[] = [];
  /** True once this end is closed. */
  destroyed = false;
  private peer!: MemoryStream;
  private readonly listeners = new Map<string, Listener[]>();
  private buffer: Uint8Array[] = [];
  private buffered = 0;
  private corks = 0;
  private paused = false;
  private needDrain = false;
  private deliveryScheduled = false;
  private ending = false;

  constructor(private readonly options: MemoryStreamOptions) {}

  /** A linked pair of ends: `[client, server]`. */
  static pair(options: MemoryStreamOptions): [MemoryStream, MemoryStream] {
    const a = new MemoryStream(options);
    const b = new MemoryStream(options);
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  /** Bytes written and not yet delivered to the other end. */
  get writableLength(): number {
    return this.buffered;
  }

  on(event: string, listener: (arg: never) => void): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as Listener);
    this.listeners.set(event, list);
    return this;
  }

  write(data: Uint8Array): boolean {
    if (this.destroyed || this.ending) return false;
    if (this.options.record) this.written.push(Uint8Array.from(data));
    this.buffer.push(data);
    this.buffered += data.length;
    this.scheduleDelivery();
    const hwm = this.options.highWaterMark ?? 16 * 1024;
    if (this.buffered >= hwm) {
      this.needDrain = true;
      return false;
    }
    return true;
  }

  cork(): void {
    this.corks++;
  }

  uncork(): void {
    if (this.corks > 0 && --this.corks === 0) this.scheduleDelivery();
  }

  /** Stops taking bytes from the other end (its buffer fills, its writes return false, no 'drain'). */
  pause(): void {
    this.paused = true;
  }

  /** Takes bytes from the other end again. */
  resume(): void {
    this.paused = false;
    this.peer.scheduleDelivery();
  }

  /** Closes after the buffered bytes are delivered (both ends close). */
  end(): void {
    if (this.destroyed || this.ending) return;
    this.ending = true;
    if (this.buffered === 0) this.destroy();
    else this.scheduleDelivery();
  }

  /** Closes both ends now; undelivered bytes are lost. 'close' follows on each end as a scheduler action. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.buffer = [];
    this.buffered = 0;
    this.options.scheduler.schedule(() => this.emit('close'));
    this.peer.destroy();
  }

  private scheduleDelivery(): void {
    if (this.deliveryScheduled || this.corks > 0 || this.buffered === 0) return;
    this.deliveryScheduled = true;
    this.options.scheduler.schedule(() => this.deliver(), this.options.latencyMs ?? 0);
  }

  private deliver(): void {
    this.deliveryScheduled = false;
    if (this.destroyed || this.peer.paused || this.buffered === 0) return;
    if (this.corks > 0) return;
    const chunk = this.buffer.length === 1 ? this.buffer[0]! : concat(this.buffer, this.buffered);
    this.buffer = [];
    this.buffered = 0;
    this.peer.emit('data', chunk);
    if (this.needDrain && !this.destroyed) {
      this.needDrain = false;
      this.emit('drain');
    }
    if (this.ending && this.buffered === 0) this.destroy();
  }

  private emit(event: string, arg?: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (a: unknown) => void)(arg);
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
