import { asyncScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';

/** The platform's monotonic clock (Node 16+ and every browser have `performance`). */
const clock: { readonly timeOrigin: number; now(): number } = globalThis.performance;
/** Read once: a constant, and Node's getter for it costs an allocation per read. */
const origin = clock.timeOrigin;

/**
 * The router's default scheduler: RxJS's `asyncScheduler` for timers, with a MONOTONIC `now()` —
 * `performance.timeOrigin + performance.now()`, milliseconds with a fractional part. It reads like epoch
 * milliseconds (so event times and `ejectedUntil` can be shown as dates) but it never steps: an NTP correction,
 * a VM resume or a user changing the system clock moves `Date.now()`, not this clock, so deadlines, ejections,
 * backoffs and slow start keep their length. (`asyncScheduler.now()` is `Date.now()`.)
 *
 * Its values are NOT whole milliseconds and drift from the wall clock after a step: wire timestamps are taken
 * from the wall clock instead (`wallClock`, `Date.now` by default), never from a scheduler.
 */
export const monotonicScheduler: SchedulerLike = {
  now: () => origin + clock.now(),
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
    return asyncScheduler.schedule(work, delay, state);
  },
};
