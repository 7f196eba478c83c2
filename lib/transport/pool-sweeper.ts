import type { SchedulerLike, Subscription } from 'rxjs';
import type { PoolConnection } from './pool-connection.js';
import { type ExpiryInput, type ExpiryLimits, poolExpiry } from './pool-expiry.js';

/**
 * A pool's one expiry timer: armed for the next connection to go idle past `idleTimeoutMs` or old past
 * `maxLifetimeMs` (the pure rules of `poolExpiry`), it retires those due, lets the pool re-warm, and re-arms.
 * Never more than one timer; none while nothing can expire; none after `stop()`. Time from the scheduler.
 */
export class PoolSweeper {
  private timer: Subscription | undefined;
  private at = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly limits: ExpiryLimits,
    private readonly inputs: () => ExpiryInput<PoolConnection>[],
    private readonly retire: (conn: PoolConnection, reason: 'idle' | 'lifetime' | 'rotate') => void,
    private readonly afterSweep: () => void,
  ) {}

  /** Whether a sweep is already armed for `time` or sooner. */
  dueBy(time: number): boolean {
    return this.timer !== undefined && this.at <= time;
  }

  /** Arms the timer for the next expiry, unless one is armed as soon or sooner. */
  schedule(): void {
    if (this.stopped) return;
    const next = poolExpiry.next(this.inputs(), this.limits);
    if (next === Number.POSITIVE_INFINITY || this.dueBy(next)) return;
    this.timer?.unsubscribe();
    this.at = next;
    this.timer = this.scheduler.schedule(
      () => {
        this.timer = undefined;
        this.at = Number.POSITIVE_INFINITY;
        for (const [conn, reason] of poolExpiry.due(this.inputs(), this.scheduler.now(), this.limits)) {
          this.retire(conn, reason);
        }
        this.afterSweep();
        this.schedule();
      },
      Math.max(0, next - this.scheduler.now()),
    );
  }

  /** No timer from now on. */
  stop(): void {
    this.stopped = true;
    this.timer?.unsubscribe();
    this.timer = undefined;
  }
}
