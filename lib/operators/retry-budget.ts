/** Options of a {@link RetryBudget} — the semantics and defaults of Finagle's `RetryBudget.apply()`. */
export interface RetryBudgetOptions {
  /**
   * Each request (deposit) earns this fraction of a retry, on top of the reserve; from 0 to 1.
   * @defaultValue 0.2
   */
  readonly percentCanRetry?: number;
  /**
   * Retries allowed per second whatever the traffic: the budget holds a reserve of
   * `minRetriesPerSecond × ttlMs / 1000` retries (100 by default) that no request has to earn. 0: no reserve.
   * @defaultValue 10
   */
  readonly minRetriesPerSecond?: number;
  /**
   * How long a deposit and a withdrawal count: both expire `ttlMs` to `ttlMs × 1.1` after they were made
   * (the window moves in tenths of `ttlMs`), so a spent reserve comes back and a long busy spell cannot save
   * up for a storm. From 1000 to 60000 (Finagle's bounds).
   * @defaultValue 10000
   */
  readonly ttlMs?: number;
  /** Clock in ms, monotonic, may be fractional (inject `() => scheduler.now()`). */
  readonly now: () => number;
}

/** The window is kept in this many slices; an entry leaves the window with its slice. */
const SLICES = 10;
/** Amounts are kept as whole units: one retry costs UNIT, so adding and expiring entries never drifts. */
const UNIT = 1_000_000;

/**
 * A budget of retries shared by many requests, so a failing cluster is not hit by a retry storm (Finagle's
 * `RetryBudget`): a retry is allowed while `reserve + Σ deposits × percentCanRetry − Σ withdrawals ≥ 1`, where
 * the sums run over the last `ttlMs` only and the reserve is `minRetriesPerSecond × ttlMs / 1000`. With the
 * defaults: 100 retries in any 10 s plus one retry for every five requests of the last 10 s. A retry the budget
 * cannot pay for is not made; the router reports it (`retryRefused: 'budget'` on the error, a `retryRefused`
 * event).
 *
 * ```
 * time (s)     0 ........... 10 ........... 20
 * deposits     |||||||||| (100 requests: +20)
 * withdrawals   ^120 retries paid (100 reserve + 20 earned), the 121st refused
 * balance      120 → 0 ..... 10–11 s: both expire → 100 (the reserve again)
 * ```
 */
export class RetryBudget {
  private readonly depositUnits: number;
  private readonly reserveUnits: number;
  private readonly sliceMs: number;
  private readonly now: () => number;
  /** Net units per slice, in a ring indexed by slice number modulo SLICES + 1 (the current slice and ten more). */
  private readonly ring = new Float64Array(SLICES + 1);
  private ringSlice: number;

  constructor(options: RetryBudgetOptions) {
    const percent = options.percentCanRetry ?? 0.2;
    const perSecond = options.minRetriesPerSecond ?? 10;
    const ttlMs = options.ttlMs ?? 10_000;
    if (!(percent >= 0 && percent <= 1)) throw new RangeError(`percentCanRetry ${percent} is not in [0, 1]`);
    if (!(perSecond >= 0 && Number.isFinite(perSecond)))
      throw new RangeError(`minRetriesPerSecond ${perSecond} is not a finite number >= 0`);
    if (!(ttlMs >= 1000 && ttlMs <= 60_000)) throw new RangeError(`ttlMs ${ttlMs} is not in [1000, 60000]`);
    this.depositUnits = Math.round(percent * UNIT);
    this.reserveUnits = Math.round(((perSecond * ttlMs) / 1000) * UNIT);
    this.sliceMs = ttlMs / SLICES;
    this.now = options.now;
    this.ringSlice = this.sliceAt();
  }

  /** Record one request (its first attempt): earns `percentCanRetry` of a retry for the next `ttlMs`. */
  deposit(): void {
    if (this.depositUnits > 0) this.add(this.advance(), this.depositUnits);
  }

  /** Pay for one retry; false (and nothing spent) when the budget cannot pay. */
  tryWithdraw(): boolean {
    const at = this.advance();
    if (this.units() < UNIT) return false;
    this.add(at, -UNIT);
    return true;
  }

  /** Whole retries affordable right now. */
  get available(): number {
    this.advance();
    return Math.max(0, Math.floor(this.units() / UNIT));
  }

  private add(index: number, units: number): void {
    this.ring[index] = (this.ring[index] ?? 0) + units;
  }

  private units(): number {
    let sum = this.reserveUnits;
    for (const v of this.ring) sum += v;
    return sum;
  }

  private sliceAt(): number {
    return Math.floor(this.now() / this.sliceMs);
  }

  /** Drops the slices that left the window; returns the ring index of the current slice. */
  private advance(): number {
    const slice = this.sliceAt();
    const size = this.ring.length;
    if (slice > this.ringSlice) {
      const steps = Math.min(size, slice - this.ringSlice);
      for (let i = 1; i <= steps; i++) this.ring[(this.ringSlice + i) % size] = 0;
      this.ringSlice = slice;
    }
    // A clock that went backwards (only an injected one can) keeps using the newest slice.
    return ((this.ringSlice % size) + size) % size;
  }
}
