import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * One scheduler timer for many deadlines: armed at the earliest deadline it has been given; when it fires,
 * `onFire(now)` settles what is due and returns the next deadline (or Infinity for none), and the timer re-arms.
 * A connection uses one per socket instead of one timer per request.
 *
 * ```
 * arm(50) arm(30) arm(80)      30: onFire → 50     50: onFire → 80     80: onFire → Infinity
 * ─────────────────────────────x───────────────────x───────────────────x──────────────────►
 * ```
 */
export class DeadlineTimer {
  private timer: Subscription | undefined;
  private at = Number.POSITIVE_INFINITY;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly onFire: (now: number) => number,
  ) {}

  /** Makes sure the timer fires by `deadline` (scheduler ms). */
  arm(deadline: number): void {
    if (deadline >= this.at) return;
    this.timer?.unsubscribe();
    this.at = deadline;
    this.timer = this.scheduler.schedule(() => this.fire(), Math.max(0, deadline - this.scheduler.now()));
  }

  /** Stops the timer. */
  clear(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
  }

  private fire(): void {
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
    const next = this.onFire(this.scheduler.now());
    if (next < Number.POSITIVE_INFINITY) this.arm(next);
  }
}
