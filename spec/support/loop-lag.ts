/**
 * Measures how long this process's event loop was kept from running — by a loaded machine (other processes on
 * the CPUs), GC or long synchronous work — so live tests can tell the router's lateness from the machine's. A
 * 10 ms interval timer records, for each tick, the stretch it came late: [due, fired]. `stalledMs(from, to)` sums
 * those stretches inside a window (`performance.now()` times): during them no timer, socket read or reply ran.
 */
export class LoopLag {
  private readonly stalls: Array<readonly [number, number]> = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private last = performance.now();

  constructor(private readonly intervalMs = 10) {
    this.timer = setInterval(() => {
      const now = performance.now();
      const due = this.last + this.intervalMs;
      // a stall shorter than a few ms is the timer's own granularity
      if (now - due > 2) this.stalls.push([due, now]);
      this.last = now;
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Milliseconds of stall inside [from, to]. */
  stalledMs(from: number, to: number): number {
    let sum = 0;
    for (const [a, b] of this.stalls) sum += Math.max(0, Math.min(b, to) - Math.max(a, from));
    return sum;
  }

  /** The longest single stall overlapping [from, to], in ms. */
  longestMs(from: number, to: number): number {
    let max = 0;
    for (const [a, b] of this.stalls) if (b > from && a < to) max = Math.max(max, b - a);
    return max;
  }

  /** Total stall so far, in ms. */
  get totalMs(): number {
    return this.stalledMs(0, Number.POSITIVE_INFINITY);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
