import { type SchedulerAction, type SchedulerLike, type Subscription, VirtualTimeScheduler } from 'rxjs';
import { advanceTo } from '../../lib/testing/advance-to.js';

/**
 * Virtual time that can model a stall of the client's event loop (test support, not a spec): `stall(ms)` moves
 * the clock on without running anything, then runs every action that came due meanwhile — late, with `now()`
 * already at the stall's end, as Node runs timers after a GC pause or long synchronous work. Everything else is
 * the wrapped `VirtualTimeScheduler` (`virtual`).
 */
export class StallClock implements SchedulerLike {
  readonly virtual = new VirtualTimeScheduler();
  private stalledUntil = Number.NEGATIVE_INFINITY;

  now(): number {
    return Math.max(this.virtual.now(), this.stalledUntil);
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
    // relative to now(): an action scheduled while the clock runs late (after a stall) is due from the stall's end
    return this.virtual.schedule(work, this.now() - this.virtual.now() + (delay ?? 0), state);
  }

  /** Runs virtual time freely up to `to`. */
  run(to: number): void {
    advanceTo(this.virtual, to);
  }

  /**
   * Called from inside an action: the loop stays busy with it for `ms` more (a burst of replies and writes to
   * work through) — `now()` moves on at once, and what comes due meanwhile runs late, after it, in due order.
   */
  work(ms: number): void {
    this.stalledUntil = this.now() + ms;
  }

  /** The event loop runs nothing for `ms`; then what came due runs, late. */
  stall(ms: number): void {
    this.stalledUntil = this.now() + ms;
    advanceTo(this.virtual, this.stalledUntil);
  }
}
