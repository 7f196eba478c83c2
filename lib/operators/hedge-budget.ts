import { configDefaults } from '../config.js';

/** Options of a {@link HedgeBudget}. */
export interface HedgeBudgetOptions {
  /** Extra requests (hedges) allowed, as a fraction of the requests in the window. @defaultValue 0.05 */
  readonly maxExtraLoad?: number;
  /** The sliding window. @defaultValue 10000 */
  readonly windowMs?: number;
  /** Clock in ms (inject `() => scheduler.now()`). */
  readonly now: () => number;
}

const buckets = 10;

/**
 * Bounds the extra load of hedged requests (Finagle's `maxExtraLoad`): over any sliding window of `windowMs`
 * (kept in ten buckets), hedges ≤ `maxExtraLoad` × requests. A hedge the budget cannot pay for is not sent.
 * Each request calls {@link deposit} once; each hedge {@link tryWithdraw}. O(1) per call.
 *
 * ```
 * 100 requests in the window, maxExtraLoad 0.05:  hedges 1..5 allowed, the 6th refused
 * ```
 */
export class HedgeBudget {
  readonly maxExtraLoad: number;
  private readonly bucketMs: number;
  private readonly now: () => number;
  private readonly requests = new Float64Array(buckets);
  private readonly extras = new Float64Array(buckets);
  private requestTotal = 0;
  private extraTotal = 0;
  private current = 0;
  private currentStart: number;

  constructor(options: HedgeBudgetOptions) {
    this.maxExtraLoad = options.maxExtraLoad ?? configDefaults.hedge.maxExtraLoad;
    this.bucketMs = (options.windowMs ?? configDefaults.hedge.windowMs) / buckets;
    this.now = options.now;
    this.currentStart = this.now();
  }

  /** Records one request. */
  deposit(): void {
    this.advance();
    this.requests[this.current]!++;
    this.requestTotal++;
  }

  /** Pays for one hedge; false when it would take hedges above `maxExtraLoad` of the window's requests. */
  tryWithdraw(): boolean {
    this.advance();
    if (this.extraTotal + 1 > this.maxExtraLoad * this.requestTotal + 1e-9) return false;
    this.extras[this.current]!++;
    this.extraTotal++;
    return true;
  }

  /** Hedges sent over requests made, within the window. */
  get extraLoad(): number {
    this.advance();
    return this.requestTotal === 0 ? 0 : this.extraTotal / this.requestTotal;
  }

  private advance(): void {
    const now = this.now();
    let steps = Math.floor((now - this.currentStart) / this.bucketMs);
    if (steps <= 0) return;
    this.currentStart += steps * this.bucketMs;
    if (steps > buckets) steps = buckets;
    for (let i = 0; i < steps; i++) {
      this.current = (this.current + 1) % buckets;
      this.requestTotal -= this.requests[this.current]!;
      this.extraTotal -= this.extras[this.current]!;
      this.requests[this.current] = 0;
      this.extras[this.current] = 0;
    }
  }
}
