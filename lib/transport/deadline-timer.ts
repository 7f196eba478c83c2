import type { SchedulerLike, Subscription } from 'rxjs';

/** A timer this late (ms) fired after a stall of the event loop: its judgement waits one I/O turn. */
const lateMs = 10;

/**
 * One scheduler timer for many deadlines: armed at the earliest deadline it has been given; when it fires,
 * `onFire(now)` settles what is due and returns the next deadline (or Infinity for none), and the timer re-arms.
 * A connection uses one per socket instead of one timer per request.
 *
 * A timer that fires late (a stall of the client's event loop: GC, long synchronous work) does not judge at once:
 * after a stall Node runs expired timers BEFORE it reads the sockets, so replies that arrived during the stall
 * are still unread. The judgement is deferred by one scheduler turn (`schedule(…, 0)`: the next timers phase,
 * after this turn's I/O), so a reply already waiting settles its request first (the fair-chance rule).
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

  private fire(deferred = false): void {
    if (!deferred && this.scheduler.now() - this.at >= lateMs) {
      // `at` stays set, so an arm() for a later deadline meanwhile does not re-arm
      this.timer = this.scheduler.schedule(() => this.fire(true), 0);
      return;
    }
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
    const next = this.onFire(this.scheduler.now());
    if (next < Number.POSITIVE_INFINITY) this.arm(next);
  }
}
