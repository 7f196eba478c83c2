import { configDefaults } from '../config.js';
/** Options of a {@link LatencyWindow}. */
export interface LatencyWindowOptions {
  /** Recent samples kept (a ring). @defaultValue 128 */
  readonly size?: number;
  /** Samples needed before a percentile is reported. @defaultValue 16 */
  readonly minSamples?: number;
}

/**
 * A node's recent reply times: the last `size` samples in a ring, and percentiles over them. Recording is
 * O(1) with no allocation (the hot path); a percentile sorts a copy only when new samples came since the last
 * query, so asking once per request costs one sort of ≤ `size` numbers at most.
 */
export class LatencyWindow {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private readonly minSamples: number;
  private count = 0;
  private next = 0;
  private dirty = false;

  constructor(options: LatencyWindowOptions = {}) {
    const size = options.size ?? configDefaults.tuning.latencyWindowSize;
    this.ring = new Float64Array(size);
    this.sorted = new Float64Array(size);
    this.minSamples = Math.min(options.minSamples ?? configDefaults.tuning.latencyWindowMinSamples, size);
  }

  /** Samples held (at most `size`). */
  get length(): number {
    return this.count;
  }

  /** Records one reply time in ms. */
  record(ms: number): void {
    this.ring[this.next] = ms;
    this.next = (this.next + 1) % this.ring.length;
    if (this.count < this.ring.length) this.count++;
    this.dirty = true;
  }

  /** The `p`-th percentile (0 < p ≤ 100, nearest rank) of the samples held, or undefined below `minSamples`. */
  percentile(p: number): number | undefined {
    if (this.count < this.minSamples || this.count === 0) return undefined;
    if (this.dirty) {
      const view = this.sorted.subarray(0, this.count);
      view.set(this.ring.subarray(0, this.count));
      view.sort();
      this.dirty = false;
    }
    const rank = Math.min(this.count, Math.max(1, Math.ceil((p / 100) * this.count)));
    return this.sorted[rank - 1];
  }
}
