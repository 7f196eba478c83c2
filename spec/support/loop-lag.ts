/**
 * Measures how long a loaded machine kept this process's event loop from running — so live tests can tell the
 * router's lateness from the machine's. A 10 ms interval timer records, for each tick that came late, the part
 * of the wait that this process did not spend on a CPU itself: wall time minus its own CPU time
 * (`process.cpuUsage()`), at most the lateness. Its own work — the router's, the in-process servers' — is
 * therefore never excused; only time the machine gave to other processes is. `stalledMs(from, to)` sums those
 * stretches inside a window (`performance.now()` times).
 */
export class LoopLag {
  private readonly stalls: Array<readonly [number, number]> = [];
  private readonly timer: ReturnType<typeof setInterval>;
  private last = performance.now();
  private lastCpu = process.cpuUsage();

  constructor(private readonly intervalMs = 10) {
    this.timer = setInterval(() => {
      const now = performance.now();
      const cpu = process.cpuUsage(this.lastCpu);
      const ownMs = (cpu.user + cpu.system) / 1000;
      const lateMs = now - (this.last + this.intervalMs);
      const starvedMs = Math.min(lateMs, now - this.last - ownMs);
      // a stall shorter than a few ms is the timer's own granularity
      if (starvedMs > 2) this.stalls.push([now - starvedMs, now]);
      this.last = now;
      this.lastCpu = process.cpuUsage();
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
