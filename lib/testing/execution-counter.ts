/** Options of {@link ExecutionCounter}. */
export interface ExecutionCounterOptions {
  /** Distinct keys counted exactly (the most recently first-seen ones). @defaultValue 65536 */
  readonly exactKeys?: number;
  /** Counters per row of the count-min sketch that covers older keys (4 rows). @defaultValue 65536 */
  readonly sketchWidth?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Bytes of a payload that can form its key. */
export const maxExecutionKeyBytes = 64;
const rows = 4;

/**
 * The execution key of a payload: its bytes up to the first space or newline, at most 64 bytes, as text. A test
 * that checks at-most-once puts a unique id first (`"w:17 …rest"`), so one request is one key whatever its size.
 */
export function executionKey(payloadOrId: Uint8Array | string): string {
  const bytes = typeof payloadOrId === 'string' ? encoder.encode(payloadOrId) : payloadOrId;
  let end = Math.min(bytes.length, maxExecutionKeyBytes);
  for (let i = 0; i < end; i++) {
    if (bytes[i] === 0x20 || bytes[i] === 0x0a) {
      end = i;
      break;
    }
  }
  return decoder.decode(bytes.subarray(0, end));
}

/**
 * Counts how many times each request (by {@link executionKey}) was executed, in bounded memory whatever the number
 * of requests:
 * - the last `exactKeys` distinct keys exactly (a Map, the oldest first-seen key evicted first); `repeated` counts
 *   executions of a key already in that window. A repeat is seen when it comes within `exactKeys` distinct ids of
 *   the key's first execution — a router retries within its request's deadline, so a test sending fewer than
 *   `exactKeys` (65 536) distinct requests per deadline misses none. A key executed again after its eviction starts
 *   a new exact count (that repeat is not seen).
 * - every key also in a count-min sketch (4 × `sketchWidth` u32; 1 MiB by default): `count` of an evicted key is
 *   the sketch's estimate, which never under-counts but over-counts once the evicted keys are many compared with
 *   `sketchWidth` (each cell then holds several keys' counts) — a bound, not an exact count.
 */
export class ExecutionCounter {
  private readonly exact = new Map<string, number>();
  private readonly sketch: Uint32Array;
  private readonly width: number;
  private readonly capacity: number;
  private evictedKeys = 0;
  private repeats = 0;
  private total = 0;

  constructor(options: ExecutionCounterOptions = {}) {
    this.capacity = options.exactKeys ?? 65_536;
    this.width = options.sketchWidth ?? 65_536;
    if (!(this.capacity >= 1 && this.width >= 1))
      throw new RangeError('exactKeys and sketchWidth must be >= 1');
    this.sketch = new Uint32Array(rows * this.width);
  }

  /** Records one execution of this payload; returns how many times its key has now been executed. */
  record(payloadOrId: Uint8Array | string): number {
    const key = executionKey(payloadOrId);
    this.total++;
    for (const cell of this.cells(key)) this.sketch[cell]!++;
    const known = this.exact.get(key);
    if (known !== undefined) {
      this.repeats++;
      this.exact.set(key, known + 1);
      return known + 1;
    }
    if (this.exact.size >= this.capacity) {
      this.exact.delete(this.exact.keys().next().value as string);
      this.evictedKeys++;
    }
    this.exact.set(key, 1);
    return 1;
  }

  /** Executions of this payload's key: exact while tracked, an upper bound after (see the class comment). */
  count(payloadOrId: Uint8Array | string): number {
    const key = executionKey(payloadOrId);
    const known = this.exact.get(key);
    if (known !== undefined) return known;
    if (this.evictedKeys === 0) return 0;
    let min = Number.POSITIVE_INFINITY;
    for (const cell of this.cells(key)) min = Math.min(min, this.sketch[cell]!);
    return min;
  }

  /** Executions of a key already executed within the exact window. */
  get repeated(): number {
    return this.repeats;
  }

  /** Every execution recorded. */
  get executions(): number {
    return this.total;
  }

  /** Keys no longer counted exactly. */
  get evicted(): number {
    return this.evictedKeys;
  }

  private cells(key: string): number[] {
    // FNV-1a, then double hashing for the rows
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    h2 = (h2 ^ (h2 >>> 15)) | 1;
    const out: number[] = [];
    for (let r = 0; r < rows; r++) out.push(r * this.width + (((h1 + Math.imul(r, h2)) >>> 0) % this.width));
    return out;
  }
}
